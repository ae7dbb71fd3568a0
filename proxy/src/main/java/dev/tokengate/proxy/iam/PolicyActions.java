package dev.tokengate.proxy.iam;

import dev.tokengate.policy.ManagedPolicies;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredPolicy;
import dev.tokengate.proxy.identity.UniqueIds;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Customer-managed policies and their versions. AWS managed ARNs ({@code arn:aws:iam::aws:policy/…})
 * are read-only: they can be read and attached, never changed.
 */
final class PolicyActions {
  /** IAM's quotas: a managed policy's size (characters without whitespace) and its versions. */
  static final int POLICY_CHARS = 6144;
  static final int VERSIONS = 5;

  private final IdentityStore identities;
  private final IamState state;
  private final SecureRandom random;

  PolicyActions(IdentityStore identities, IamState state, SecureRandom random) {
    this.identities = identities;
    this.state = state;
    this.random = random;
  }

  Map<String, Object> createPolicy(IamCall call) throws StsException {
    String name = call.name("PolicyName", 128);
    String path = call.path();
    String arn = identities.customerPolicyArn(path, name);
    call.authorize(arn);
    String document = call.required("PolicyDocument");
    IamDocuments.identityPolicy(name, document, POLICY_CHARS, "policy " + name, identities.policyDialect());
    if (identities.customerPolicies().values().stream().anyMatch(p -> p.name().equals(name))) {
      throw exists(name, path);
    }
    String now = IamDocuments.now();
    StoredPolicy p = new StoredPolicy(name, path, UniqueIds.random("ANPA", random), now, call.get("Description"), "v1",
        Map.of("v1", document), Map.of("v1", now), 2);
    if (!state.create(StoredIdentities.POLICIES + name, p)) {
      throw exists(name, path);
    }
    return Map.of("Policy", render(arn, p));
  }

  private static StsException exists(String name, String path) {
    return new StsException(StsError.ENTITY_ALREADY_EXISTS, "A policy called " + name + " already exists. Duplicate"
        + " names are not allowed.");
  }

  private Map<String, Object> render(String arn, StoredPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PolicyName", p.name());
    m.put("PolicyId", p.policyId());
    m.put("Arn", arn);
    m.put("Path", p.path());
    m.put("DefaultVersionId", p.defaultVersion());
    m.put("AttachmentCount", String.valueOf(attachments(arn)));
    m.put("PermissionsBoundaryUsageCount", "0");
    m.put("IsAttachable", "true");
    m.put("Description", p.description());
    m.put("CreateDate", p.createDate());
    m.put("UpdateDate", p.versionDates().getOrDefault(p.defaultVersion(), p.createDate()));
    return m;
  }

  private long attachments(String arn) {
    long users = identities.users().stream().filter(u -> u.managedPolicyArns().contains(arn)).count();
    long roles = identities.roles().stream().filter(r -> r.managedPolicyArns().contains(arn)).count();
    long groups = identities.groups().stream().filter(g -> g.attachedPolicies().contains(arn)).count();
    return users + roles + groups;
  }

  /** The customer policy a PolicyArn names, after the permission check; AWS managed ones are refused for writes. */
  private StoredPolicy own(IamCall call) throws StsException {
    String arn = call.required("PolicyArn");
    call.authorize(arn);
    StoredPolicy p = identities.customerPolicies().get(arn);
    if (p == null) {
      if (ManagedPolicies.lookup(arn).isPresent()) {
        throw new StsException(StsError.ACCESS_DENIED, "Policy " + arn + " is an AWS managed policy and cannot be"
            + " changed.");
      }
      throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " was not found.");
    }
    return p;
  }

  Map<String, Object> getPolicy(IamCall call) throws StsException {
    String arn = call.required("PolicyArn");
    call.authorize(arn);
    StoredPolicy p = identities.customerPolicies().get(arn);
    if (p != null) {
      return Map.of("Policy", render(arn, p));
    }
    if (ManagedPolicies.lookup(arn).isEmpty()) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " was not found.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PolicyName", arn.substring(arn.lastIndexOf('/') + 1));
    m.put("Arn", arn);
    m.put("Path", "/");
    m.put("DefaultVersionId", "v1");
    m.put("AttachmentCount", String.valueOf(attachments(arn)));
    m.put("IsAttachable", "true");
    return Map.of("Policy", m);
  }

  Map<String, Object> listPolicies(IamCall call) throws StsException {
    call.authorize("arn:aws:iam::" + call.accountId() + ":policy/*");
    String scope = call.get("Scope") == null ? "All" : call.get("Scope");
    boolean onlyAttached = "true".equals(call.get("OnlyAttached"));
    List<Map<String, Object>> all = new ArrayList<>();
    if (!scope.equals("AWS")) {
      identities.customerPolicies().forEach((arn, p) -> all.add(render(arn, p)));
    }
    all.removeIf(m -> onlyAttached && "0".equals(m.get("AttachmentCount")));
    all.sort(Comparator.comparing(m -> (String) m.get("PolicyName"), IamPages.ORDER));
    return IamPages.page(call, "Policies", all, m -> (String) m.get("PolicyName"), m -> m);
  }

  Map<String, Object> deletePolicy(IamCall call) throws StsException {
    StoredPolicy p = own(call);
    String arn = identities.customerPolicyArn(p.path(), p.name());
    if (attachments(arn) > 0) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete a policy attached to entities.");
    }
    if (p.versions().size() > 1) {
      throw new StsException(StsError.DELETE_CONFLICT, "This policy has more than one version. Before you delete a"
          + " policy, you must delete the policy's versions. The default version is deleted with the policy.");
    }
    state.delete(StoredIdentities.POLICIES + p.name());
    return Map.of();
  }

  Map<String, Object> createPolicyVersion(IamCall call) throws StsException {
    StoredPolicy p = own(call);
    String document = call.required("PolicyDocument");
    IamDocuments.identityPolicy(p.name(), document, POLICY_CHARS, "policy " + p.name(), identities.policyDialect());
    boolean makeDefault = "true".equals(call.get("SetAsDefault"));
    String[] created = new String[2];
    state.update(StoredIdentities.POLICIES + p.name(), StoredPolicy.class, c -> {
      if (c.versions().size() >= VERSIONS) {
        throw new StsException(StsError.LIMIT_EXCEEDED, "A managed policy can have up to " + VERSIONS + " versions."
            + " Before you create a new version, you must delete an existing version.");
      }
      String id = "v" + c.nextVersion();
      created[0] = id;
      created[1] = IamDocuments.now();
      Map<String, String> versions = new LinkedHashMap<>(c.versions());
      versions.put(id, document);
      Map<String, String> dates = new LinkedHashMap<>(c.versionDates());
      dates.put(id, created[1]);
      return new StoredPolicy(c.name(), c.path(), c.policyId(), c.createDate(), c.description(),
          makeDefault ? id : c.defaultVersion(), versions, dates, c.nextVersion() + 1);
    });
    return Map.of("PolicyVersion", version(created[0], null, makeDefault, created[1]));
  }

  private static Map<String, Object> version(String id, String document, boolean isDefault, String created) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Document", document == null ? null : IamDocuments.encoded(document));
    m.put("VersionId", id);
    m.put("IsDefaultVersion", String.valueOf(isDefault));
    m.put("CreateDate", created);
    return m;
  }

  Map<String, Object> getPolicyVersion(IamCall call) throws StsException {
    StoredPolicy p = own(call);
    String id = call.required("VersionId");
    String document = p.versions().get(id);
    if (document == null) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "Policy version " + id + " was not found.");
    }
    return Map.of("PolicyVersion", version(id, document, id.equals(p.defaultVersion()), p.versionDates().get(id)));
  }

  Map<String, Object> listPolicyVersions(IamCall call) throws StsException {
    StoredPolicy p = own(call);
    List<String> ids = new ArrayList<>(p.versions().keySet());
    ids.sort(Comparator.comparing((String v) -> Integer.parseInt(v.substring(1))).reversed());
    return IamPages.page(call, "Versions", ids, v -> v, v -> version(v, null, v.equals(p.defaultVersion()),
        p.versionDates().get(v)));
  }

  Map<String, Object> deletePolicyVersion(IamCall call) throws StsException {
    StoredPolicy p = own(call);
    String id = call.required("VersionId");
    state.update(StoredIdentities.POLICIES + p.name(), StoredPolicy.class, c -> {
      if (!c.versions().containsKey(id)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "Policy version " + id + " was not found.");
      }
      if (id.equals(c.defaultVersion())) {
        throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete the default version of a policy.");
      }
      Map<String, String> versions = new LinkedHashMap<>(c.versions());
      versions.remove(id);
      Map<String, String> dates = new LinkedHashMap<>(c.versionDates());
      dates.remove(id);
      return new StoredPolicy(c.name(), c.path(), c.policyId(), c.createDate(), c.description(), c.defaultVersion(),
          versions, dates, c.nextVersion());
    });
    return Map.of();
  }

  Map<String, Object> setDefaultPolicyVersion(IamCall call) throws StsException {
    StoredPolicy p = own(call);
    String id = call.required("VersionId");
    state.update(StoredIdentities.POLICIES + p.name(), StoredPolicy.class, c -> {
      if (!c.versions().containsKey(id)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "Policy version " + id + " was not found.");
      }
      return new StoredPolicy(c.name(), c.path(), c.policyId(), c.createDate(), c.description(), id, c.versions(),
          c.versionDates(), c.nextVersion());
    });
    return Map.of();
  }
}
