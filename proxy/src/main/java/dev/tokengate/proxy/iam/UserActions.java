package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredGroup;
import dev.tokengate.proxy.identity.StoredIdentities.StoredKey;
import dev.tokengate.proxy.identity.StoredIdentities.StoredMfaDevice;
import dev.tokengate.proxy.identity.StoredIdentities.StoredUser;
import dev.tokengate.proxy.identity.UniqueIds;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** IAM users and their inline and attached policies. */
final class UserActions {
  /** IAM's quota: inline policies of one user, in characters without whitespace. */
  static final int INLINE_POLICY_CHARS = 2048;
  static final int ATTACHED_POLICIES = 10;
  static final int MAX_TAGS = 50;

  private final IdentityStore identities;
  private final IamState state;
  private final SecureRandom random;

  UserActions(IdentityStore identities, IamState state, SecureRandom random) {
    this.identities = identities;
    this.state = state;
    this.random = random;
  }

  Map<String, Object> createUser(IamCall call) throws StsException {
    String name = call.name("UserName", 64);
    String path = call.path();
    call.authorize(call.userArn(path, name));
    if (identities.findUser(name).isPresent()) {
      throw exists(name);
    }
    String id = UniqueIds.random("AIDA", random);
    StoredUser u = new StoredUser(name, path, id, IamDocuments.now(), Map.of(), List.of(), null, tags(call));
    if (!state.create(StoredIdentities.USERS + name, u)) {
      throw exists(name);
    }
    return Map.of("User", IamDocuments.user(identities.findUser(name).orElseThrow(), u.createDate()));
  }

  private static StsException exists(String name) {
    return new StsException(StsError.ENTITY_ALREADY_EXISTS, "User with name " + name + " already exists.");
  }

  static Map<String, String> tags(IamCall call) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Map<String, String> t : call.request().structList("Tags", "Key", "Value")) {
      tags.put(t.get("Key"), t.getOrDefault("Value", ""));
    }
    return tags;
  }

  Map<String, Object> getUser(IamCall call) throws StsException {
    String name = call.get("UserName");
    if (name == null) {
      if (call.caller().user() == null || call.caller().role() != null) {
        throw new StsException(StsError.VALIDATION_ERROR, "Must specify userName when calling with non-User credentials");
      }
      if (call.caller().user().accountRoot()) {
        // The root is no IAM user: AWS answers with its ARN and the account id, no name or path.
        call.authorize(call.caller().user().arn());
        return Map.of("User", IamDocuments.user(call.caller().user(), null));
      }
      name = call.caller().user().name();
    }
    User u = user(name);
    call.authorize(u.arn());
    return Map.of("User", IamDocuments.user(u, createDate(u.name())));
  }

  Map<String, Object> listUsers(IamCall call) throws StsException {
    String prefix = call.get("PathPrefix") == null ? "/" : call.get("PathPrefix");
    call.authorize("arn:aws:iam::" + call.accountId() + ":user" + prefix + "*");
    List<User> users = new ArrayList<>(identities.users().stream()
        .filter(u -> !u.accountRoot() && u.path().startsWith(prefix)).toList());
    users.sort(Comparator.comparing(User::name, IamPages.ORDER));
    return IamPages.page(call, "Users", users, User::name, u -> IamDocuments.user(u, createDate(u.name())));
  }

  Map<String, Object> deleteUser(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    deletable(u);
    StoredUser stored = identities.storedUser(u.name()).orElseThrow();
    if (identities.storedKeys().stream().anyMatch(k -> k.userName().equals(u.name()))) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.");
    }
    if (identities.mfaDevices().values().stream().anyMatch(d -> u.name().equals(d.userName()))) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must delete MFA device first.");
    }
    if (!stored.inlinePolicies().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.");
    }
    if (!stored.attachedPolicies().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must detach all policies first.");
    }
    if (identities.groups().stream().anyMatch(g -> g.members().contains(u.name()))) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must remove user from all groups first.");
    }
    state.delete(StoredIdentities.USERS + u.name());
    return Map.of();
  }

  /**
   * UpdateUser: a new name and/or path; the user keeps its id, keys, policies, groups and MFA
   * device. The new document is written first and the old one removed last, so a failure midway
   * leaves the user reachable (under both names until retried), never lost. Sessions minted under
   * the old name end, as its ARN no longer names anyone.
   */
  Map<String, Object> updateUser(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    deletable(u);
    String newName = call.get("NewUserName") == null ? u.name() : call.name("NewUserName", 64);
    String newPath = call.get("NewPath") == null ? u.path() : newPath(call);
    call.authorize(call.userArn(newPath, newName));
    StoredUser stored = identities.storedUser(u.name()).orElseThrow();
    StoredUser moved = new StoredUser(newName, newPath, stored.userId(), stored.createDate(), stored.inlinePolicies(),
        stored.attachedPolicies(), stored.permissionsBoundary(), stored.tags());
    if (newName.equals(u.name())) {
      state.update(StoredIdentities.USERS + u.name(), StoredUser.class, c -> new StoredUser(c.name(), newPath,
          c.userId(), c.createDate(), c.inlinePolicies(), c.attachedPolicies(), c.permissionsBoundary(), c.tags()));
      return Map.of();
    }
    Optional<User> other = identities.findUser(newName);
    if (other.isPresent() && !other.get().name().equals(u.name())) {
      throw exists(newName);
    }
    if (!state.create(StoredIdentities.USERS + newName, moved)) {
      throw exists(newName);
    }
    for (StoredKey k : identities.storedKeys()) {
      if (k.userName().equals(u.name())) {
        state.update(StoredIdentities.ACCESS_KEYS + k.accessKeyId(), StoredKey.class, c ->
            new StoredKey(c.accessKeyId(), c.secretAccessKey(), newName, c.status(), c.createDate()));
      }
    }
    for (StoredGroup g : identities.groups()) {
      if (g.members().contains(u.name())) {
        state.update(StoredIdentities.GROUPS + g.name(), StoredGroup.class, c -> new StoredGroup(c.name(), c.path(),
            c.groupId(), c.createDate(), c.members().stream().map(m -> m.equals(u.name()) ? newName : m).toList(),
            c.inlinePolicies(), c.attachedPolicies()));
      }
    }
    for (StoredMfaDevice d : identities.mfaDevices().values()) {
      if (u.name().equals(d.userName())) {
        state.update(StoredIdentities.MFA_DEVICES + d.name(), StoredMfaDevice.class, c -> new StoredMfaDevice(
            c.name(), c.path(), c.seed(), c.createDate(), newName, c.enableDate(), c.tags()));
      }
    }
    state.delete(StoredIdentities.USERS + u.name());
    return Map.of();
  }

  /** {@code NewPath}, checked as {@code Path} is. */
  static String newPath(IamCall call) throws StsException {
    String v = call.get("NewPath");
    if (!v.matches("/|/[\\u0021-\\u007e]{0,510}/")) {
      throw new StsException(StsError.VALIDATION_ERROR,
          "The specified value for newPath is invalid. It must begin and end with / and contain only alphanumeric"
              + " characters and/or / characters.");
    }
    return v;
  }

  Map<String, Object> putUserPolicy(IamCall call) throws StsException {
    User u = modifiable(call);
    String policyName = call.name("PolicyName", 128);
    notConfigured(u, policyName);
    String document = call.required("PolicyDocument");
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, current -> {
      Map<String, String> inline = new LinkedHashMap<>(current.inlinePolicies());
      inline.remove(policyName);
      int others = inline.values().stream().mapToInt(d -> d.replaceAll("\\s", "").length()).sum();
      IamDocuments.identityPolicy(policyName, document, INLINE_POLICY_CHARS - others, "user " + u.name(), identities.policyDialect());
      inline.put(policyName, document);
      return new StoredUser(current.name(), current.path(), current.userId(), current.createDate(), inline,
          current.attachedPolicies(), current.permissionsBoundary(), current.tags());
    });
    return Map.of();
  }

  Map<String, Object> getUserPolicy(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    String policyName = call.name("PolicyName", 128);
    String document = u.inlinePolicies().get(policyName);
    if (document == null) {
      throw new StsException(StsError.NO_SUCH_ENTITY,
          "The user policy with name " + policyName + " cannot be found.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("UserName", u.name());
    m.put("PolicyName", policyName);
    m.put("PolicyDocument", IamDocuments.encoded(document));
    return m;
  }

  Map<String, Object> listUserPolicies(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    List<String> names = u.inlinePolicies().keySet().stream().sorted(IamPages.ORDER).toList();
    return IamPages.page(call, "PolicyNames", names, n -> n, n -> n);
  }

  Map<String, Object> deleteUserPolicy(IamCall call) throws StsException {
    User u = modifiable(call);
    String policyName = call.name("PolicyName", 128);
    notConfigured(u, policyName);
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, current -> {
      if (!current.inlinePolicies().containsKey(policyName)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "The user policy with name " + policyName
            + " cannot be found.");
      }
      Map<String, String> inline = new LinkedHashMap<>(current.inlinePolicies());
      inline.remove(policyName);
      return new StoredUser(current.name(), current.path(), current.userId(), current.createDate(), inline,
          current.attachedPolicies(), current.permissionsBoundary(), current.tags());
    });
    return Map.of();
  }

  Map<String, Object> attachUserPolicy(IamCall call) throws StsException {
    User u = modifiable(call);
    String arn = attachable(call, identities);
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, current -> {
      List<String> attached = new ArrayList<>(current.attachedPolicies());
      if (!attached.contains(arn)) {
        if (attached.size() >= ATTACHED_POLICIES) {
          throw new StsException(StsError.LIMIT_EXCEEDED,
              "Cannot exceed quota for PoliciesPerUser: " + ATTACHED_POLICIES);
        }
        attached.add(arn);
      }
      return new StoredUser(current.name(), current.path(), current.userId(), current.createDate(),
          current.inlinePolicies(), attached, current.permissionsBoundary(), current.tags());
    });
    return Map.of();
  }

  Map<String, Object> detachUserPolicy(IamCall call) throws StsException {
    User u = modifiable(call);
    String arn = call.required("PolicyArn");
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, current -> {
      List<String> attached = new ArrayList<>(current.attachedPolicies());
      if (!attached.remove(arn)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " was not found.");
      }
      return new StoredUser(current.name(), current.path(), current.userId(), current.createDate(),
          current.inlinePolicies(), attached, current.permissionsBoundary(), current.tags());
    });
    return Map.of();
  }

  Map<String, Object> listAttachedUserPolicies(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    return IamPages.page(call, "AttachedPolicies", u.managedPolicyArns(), a -> a, IamDocuments::attached);
  }

  Map<String, Object> tagUser(IamCall call) throws StsException {
    User u = modifiable(call);
    Map<String, String> added = tags(call);
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, current -> {
      Map<String, String> tags = new LinkedHashMap<>(current.tags());
      tags.putAll(added);
      if (tags.size() > MAX_TAGS) {
        throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for TagsPerUser: " + MAX_TAGS);
      }
      return withTags(current, tags);
    });
    return Map.of();
  }

  Map<String, Object> untagUser(IamCall call) throws StsException {
    User u = modifiable(call);
    List<String> keys = call.request().list("TagKeys");
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, current -> {
      Map<String, String> tags = new LinkedHashMap<>(current.tags());
      keys.forEach(tags::remove);
      return withTags(current, tags);
    });
    return Map.of();
  }

  Map<String, Object> listUserTags(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    List<Map<String, Object>> tags = u.tags().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("Key", e.getKey());
          m.put("Value", e.getValue());
          return m;
        }).toList();
    return IamPages.page(call, "Tags", tags, m -> (String) m.get("Key"), m -> m);
  }

  private static StoredUser withTags(StoredUser c, Map<String, String> tags) {
    return new StoredUser(c.name(), c.path(), c.userId(), c.createDate(), c.inlinePolicies(), c.attachedPolicies(),
        c.permissionsBoundary(), tags);
  }

  /** The PolicyArn of an attach call: an AWS managed policy the proxy knows, or one of the account's own. */
  static String attachable(IamCall call, IdentityStore identities) throws StsException {
    String arn = call.required("PolicyArn");
    if (identities.managedPolicy(arn).isEmpty()) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " does not exist or is not attachable.");
    }
    return arn;
  }

  private User user(String name) throws StsException {
    return identities.findUser(name).filter(u -> !u.accountRoot()).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + name + " cannot be found."));
  }

  /**
   * The named user, after the permission check, with a stored document to change: a created user's
   * own, or for a configured user the overlay of what the API adds to it (made on first use).
   */
  private User modifiable(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    if (identities.isConfiguredUser(u.name()) && identities.storedUser(u.name()).isEmpty()) {
      state.create(StoredIdentities.USERS + u.name(), new StoredUser(u.name(), u.path(), u.userId(),
          IamDocuments.STARTED, Map.of(), List.of(), null, Map.of())); // false: another call made it meanwhile
    }
    return u;
  }

  /** Only what the API created can be deleted, and only the API's own policies of a configured user. */
  private void deletable(User u) throws StsException {
    if (identities.isConfiguredUser(u.name())) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The user " + u.name()
          + " is defined in tokengate's configuration; change it there.");
    }
  }

  private void notConfigured(User u, String policyName) throws StsException {
    if (identities.isConfiguredUser(u.name()) && identities.configuredPolicyOf(u.name(), policyName)) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The policy " + policyName + " of user " + u.name()
          + " is defined in tokengate's configuration; change it there.");
    }
  }

  private String createDate(String name) {
    return identities.storedUser(name).map(StoredUser::createDate).orElse(null);
  }
}
