package dev.tokengate.proxy.iam;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.proxy.authz.PolicyStore;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredRole;
import dev.tokengate.proxy.identity.UniqueIds;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** IAM roles: trust policy, inline and attached policies. */
final class RoleActions {
  /** IAM's quotas: a role's inline policies (characters without whitespace), its trust policy, attachments. */
  static final int INLINE_POLICY_CHARS = 10_240;
  static final int TRUST_POLICY_CHARS = 2048;
  static final int ATTACHED_POLICIES = 10;

  private final IdentityStore identities;
  private final IamState state;
  private final SecureRandom random;

  RoleActions(IdentityStore identities, IamState state, SecureRandom random) {
    this.identities = identities;
    this.state = state;
    this.random = random;
  }

  Map<String, Object> createRole(IamCall call) throws StsException {
    String name = call.name("RoleName", 64);
    String path = call.path();
    String arn = call.roleArn(path, name);
    call.authorize(arn);
    String trust = trustPolicy(call.required("AssumeRolePolicyDocument"), arn);
    int maxSession = maxSession(call.get("MaxSessionDuration"));
    if (identities.findRole(name).isPresent()) {
      throw exists(name);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Map<String, String> t : call.request().structList("Tags", "Key", "Value")) {
      tags.put(t.get("Key"), t.getOrDefault("Value", ""));
    }
    StoredRole r = new StoredRole(name, path, UniqueIds.random("AROA", random), IamDocuments.now(),
        call.get("Description"), trust, Map.of(), List.of(), null, maxSession, tags);
    if (!state.create(StoredIdentities.ROLES + name, r)) {
      throw exists(name);
    }
    return Map.of("Role", IamDocuments.role(identities.findRole(name).orElseThrow(), r.createDate(), r.description()));
  }

  private static StsException exists(String name) {
    return new StsException(StsError.ENTITY_ALREADY_EXISTS, "Role with name " + name + " already exists.");
  }

  private String trustPolicy(String document, String roleArn) throws StsException {
    if (document.replaceAll("\\s", "").length() > TRUST_POLICY_CHARS) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for ACLSizePerRole: " + TRUST_POLICY_CHARS);
    }
    try {
      PolicyParser.parse(PolicyStore.withImpliedResource(document, roleArn), PolicyType.RESOURCE, "trust policy",
          identities.policyDialect());
    } catch (MalformedPolicyException e) {
      throw new StsException(StsError.MALFORMED_POLICY_DOCUMENT, e.getMessage());
    }
    return document;
  }

  private static int maxSession(String v) throws StsException {
    if (v == null) {
      return 3600;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 3600 && n <= 43200) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + v
        + "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200");
  }

  Map<String, Object> getRole(IamCall call) throws StsException {
    Role r = role(call.name("RoleName", 64));
    call.authorize(r.arn());
    return Map.of("Role", render(r));
  }

  private Map<String, Object> render(Role r) {
    StoredRole stored = identities.storedRole(r.name()).orElse(null);
    return IamDocuments.role(r, stored == null ? null : stored.createDate(), stored == null ? null : stored.description());
  }

  Map<String, Object> listRoles(IamCall call) throws StsException {
    String prefix = call.get("PathPrefix") == null ? "/" : call.get("PathPrefix");
    call.authorize("arn:aws:iam::" + call.accountId() + ":role" + prefix + "*");
    List<Role> roles = new ArrayList<>(identities.roles().stream().filter(r -> r.path().startsWith(prefix)).toList());
    roles.sort(Comparator.comparing(Role::name, IamPages.ORDER));
    return IamPages.page(call, "Roles", roles, Role::name, this::render);
  }

  Map<String, Object> deleteRole(IamCall call) throws StsException {
    Role r = modifiable(call);
    StoredRole stored = identities.storedRole(r.name()).orElseThrow();
    if (!stored.inlinePolicies().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.");
    }
    if (!stored.attachedPolicies().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must detach all policies first.");
    }
    state.delete(StoredIdentities.ROLES + r.name());
    return Map.of();
  }

  Map<String, Object> updateAssumeRolePolicy(IamCall call) throws StsException {
    Role r = modifiable(call);
    String trust = trustPolicy(call.required("PolicyDocument"), r.arn());
    update(r, current -> copy(current, trust, current.inlinePolicies(), current.attachedPolicies()));
    return Map.of();
  }

  /** UpdateRole: a new Description and/or MaxSessionDuration; what is not given stays. */
  Map<String, Object> updateRole(IamCall call) throws StsException {
    Role r = modifiable(call);
    String description = description(call);
    Integer maxSession = call.get("MaxSessionDuration") == null ? null : maxSession(call.get("MaxSessionDuration"));
    update(r, c -> new StoredRole(c.name(), c.path(), c.roleId(), c.createDate(),
        description != null ? description : c.description(), c.trustPolicy(), c.inlinePolicies(),
        c.attachedPolicies(), c.permissionsBoundary(), maxSession != null ? maxSession : c.maxSessionDuration(),
        c.tags()));
    return Map.of();
  }

  /** UpdateRoleDescription: answers the role as it now is. */
  Map<String, Object> updateRoleDescription(IamCall call) throws StsException {
    Role r = modifiable(call);
    String description = call.get("Description") == null ? "" : description(call);
    update(r, c -> new StoredRole(c.name(), c.path(), c.roleId(), c.createDate(), description, c.trustPolicy(),
        c.inlinePolicies(), c.attachedPolicies(), c.permissionsBoundary(), c.maxSessionDuration(), c.tags()));
    return Map.of("Role", render(identities.findRole(r.name()).orElseThrow()));
  }

  /** A role's Description: at most 1000 characters, as IAM allows. */
  private static String description(IamCall call) throws StsException {
    String d = call.get("Description");
    if (d != null && d.length() > 1000) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value at 'description' failed"
          + " to satisfy constraint: Member must have length less than or equal to 1000");
    }
    return d;
  }

  Map<String, Object> putRolePolicy(IamCall call) throws StsException {
    Role r = modifiable(call);
    String policyName = call.name("PolicyName", 128);
    String document = call.required("PolicyDocument");
    update(r, current -> {
      Map<String, String> inline = new LinkedHashMap<>(current.inlinePolicies());
      inline.remove(policyName);
      int others = inline.values().stream().mapToInt(d -> d.replaceAll("\\s", "").length()).sum();
      IamDocuments.identityPolicy(policyName, document, INLINE_POLICY_CHARS - others, "role " + r.name(), identities.policyDialect());
      inline.put(policyName, document);
      return copy(current, current.trustPolicy(), inline, current.attachedPolicies());
    });
    return Map.of();
  }

  Map<String, Object> getRolePolicy(IamCall call) throws StsException {
    Role r = role(call.name("RoleName", 64));
    call.authorize(r.arn());
    String policyName = call.name("PolicyName", 128);
    String document = r.inlinePolicies().get(policyName);
    if (document == null) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "The role policy with name " + policyName + " cannot be found.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("RoleName", r.name());
    m.put("PolicyName", policyName);
    m.put("PolicyDocument", IamDocuments.encoded(document));
    return m;
  }

  Map<String, Object> listRolePolicies(IamCall call) throws StsException {
    Role r = role(call.name("RoleName", 64));
    call.authorize(r.arn());
    return IamPages.page(call, "PolicyNames", r.inlinePolicies().keySet().stream().sorted(IamPages.ORDER).toList(), n -> n, n -> n);
  }

  Map<String, Object> deleteRolePolicy(IamCall call) throws StsException {
    Role r = modifiable(call);
    String policyName = call.name("PolicyName", 128);
    update(r, current -> {
      Map<String, String> inline = new LinkedHashMap<>(current.inlinePolicies());
      if (inline.remove(policyName) == null) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "The role policy with name " + policyName
            + " cannot be found.");
      }
      return copy(current, current.trustPolicy(), inline, current.attachedPolicies());
    });
    return Map.of();
  }

  Map<String, Object> attachRolePolicy(IamCall call) throws StsException {
    Role r = modifiable(call);
    String arn = UserActions.attachable(call, identities);
    update(r, current -> {
      List<String> attached = new ArrayList<>(current.attachedPolicies());
      if (!attached.contains(arn)) {
        if (attached.size() >= ATTACHED_POLICIES) {
          throw new StsException(StsError.LIMIT_EXCEEDED,
              "Cannot exceed quota for PoliciesPerRole: " + ATTACHED_POLICIES);
        }
        attached.add(arn);
      }
      return copy(current, current.trustPolicy(), current.inlinePolicies(), attached);
    });
    return Map.of();
  }

  Map<String, Object> detachRolePolicy(IamCall call) throws StsException {
    Role r = modifiable(call);
    String arn = call.required("PolicyArn");
    update(r, current -> {
      List<String> attached = new ArrayList<>(current.attachedPolicies());
      if (!attached.remove(arn)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " was not found.");
      }
      return copy(current, current.trustPolicy(), current.inlinePolicies(), attached);
    });
    return Map.of();
  }

  Map<String, Object> listAttachedRolePolicies(IamCall call) throws StsException {
    Role r = role(call.name("RoleName", 64));
    call.authorize(r.arn());
    return IamPages.page(call, "AttachedPolicies", r.managedPolicyArns(), a -> a, IamDocuments::attached);
  }

  private void update(Role r, IamState.Change<StoredRole> change) throws StsException {
    state.update(StoredIdentities.ROLES + r.name(), StoredRole.class, change);
  }

  private static StoredRole copy(StoredRole c, String trust, Map<String, String> inline, List<String> attached) {
    return new StoredRole(c.name(), c.path(), c.roleId(), c.createDate(), c.description(), trust, inline, attached,
        c.permissionsBoundary(), c.maxSessionDuration(), c.tags());
  }

  private Role role(String name) throws StsException {
    return identities.findRole(name).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The role with name " + name + " cannot be found."));
  }

  private Role modifiable(IamCall call) throws StsException {
    Role r = role(call.name("RoleName", 64));
    call.authorize(r.arn());
    if (identities.isConfiguredRole(r.name())) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The role " + r.name()
          + " is defined in tokengate's configuration; change it there.");
    }
    return r;
  }
}
