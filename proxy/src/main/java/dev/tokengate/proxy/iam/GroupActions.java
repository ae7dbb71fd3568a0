package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredGroup;
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

/** IAM groups: members, and the inline and attached policies every member gets. */
final class GroupActions {
  /** IAM's quotas: a group's inline policies (characters without whitespace), attachments, a user's groups. */
  static final int INLINE_POLICY_CHARS = 5120;
  static final int ATTACHED_POLICIES = 10;
  static final int GROUPS_PER_USER = 10;

  private final IdentityStore identities;
  private final IamState state;
  private final SecureRandom random;

  GroupActions(IdentityStore identities, IamState state, SecureRandom random) {
    this.identities = identities;
    this.state = state;
    this.random = random;
  }

  private String arn(IamCall call, StoredGroup g) {
    return "arn:aws:iam::" + call.accountId() + ":group" + g.path() + g.name();
  }

  private Map<String, Object> render(IamCall call, StoredGroup g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Path", g.path());
    m.put("GroupName", g.name());
    m.put("GroupId", g.groupId());
    m.put("Arn", arn(call, g));
    m.put("CreateDate", g.createDate());
    return m;
  }

  Map<String, Object> createGroup(IamCall call) throws StsException {
    String name = call.name("GroupName", 128);
    String path = call.path();
    call.authorize("arn:aws:iam::" + call.accountId() + ":group" + path + name);
    if (identities.findGroup(name).isPresent()) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "Group with name " + name + " already exists.");
    }
    StoredGroup g = new StoredGroup(name, path, UniqueIds.random("AGPA", random), IamDocuments.now(), List.of(),
        Map.of(), List.of());
    if (!state.create(StoredIdentities.GROUPS + name, g)) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "Group with name " + name + " already exists.");
    }
    return Map.of("Group", render(call, g));
  }

  Map<String, Object> getGroup(IamCall call) throws StsException {
    StoredGroup g = group(call);
    List<User> members = new ArrayList<>();
    for (String m : g.members()) {
      identities.findUser(m).ifPresent(members::add);
    }
    members.sort(Comparator.comparing(User::name, IamPages.ORDER));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Group", render(call, g));
    result.putAll(IamPages.page(call, "Users", members, User::name, u -> IamDocuments.user(u,
        identities.storedUser(u.name()).map(StoredIdentities.StoredUser::createDate).orElse(null))));
    return result;
  }

  Map<String, Object> listGroups(IamCall call) throws StsException {
    String prefix = call.get("PathPrefix") == null ? "/" : call.get("PathPrefix");
    call.authorize("arn:aws:iam::" + call.accountId() + ":group" + prefix + "*");
    List<StoredGroup> groups = new ArrayList<>(identities.groups().stream().filter(g -> g.path().startsWith(prefix))
        .toList());
    groups.sort(Comparator.comparing(StoredGroup::name, IamPages.ORDER));
    return IamPages.page(call, "Groups", groups, StoredGroup::name, g -> render(call, g));
  }

  /**
   * UpdateGroup: a new name and/or path; the group keeps its id, members and policies. The new
   * document is written before the old one is removed, so a failure midway loses nothing.
   */
  Map<String, Object> updateGroup(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String newName = call.get("NewGroupName") == null ? g.name() : call.name("NewGroupName", 128);
    String newPath = call.get("NewPath") == null ? g.path() : UserActions.newPath(call);
    call.authorize("arn:aws:iam::" + call.accountId() + ":group" + newPath + newName);
    if (newName.equals(g.name())) {
      update(g, c -> new StoredGroup(c.name(), newPath, c.groupId(), c.createDate(), c.members(), c.inlinePolicies(),
          c.attachedPolicies()));
      return Map.of();
    }
    Optional<StoredGroup> other = identities.findGroup(newName);
    StoredGroup moved = new StoredGroup(newName, newPath, g.groupId(), g.createDate(), g.members(), g.inlinePolicies(),
        g.attachedPolicies());
    if ((other.isPresent() && !other.get().name().equals(g.name()))
        || !state.create(StoredIdentities.GROUPS + newName, moved)) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "Group with name " + newName + " already exists.");
    }
    state.delete(StoredIdentities.GROUPS + g.name());
    return Map.of();
  }

  Map<String, Object> deleteGroup(IamCall call) throws StsException {
    StoredGroup g = group(call);
    if (!g.members().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must remove users from group first.");
    }
    if (!g.inlinePolicies().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.");
    }
    if (!g.attachedPolicies().isEmpty()) {
      throw new StsException(StsError.DELETE_CONFLICT, "Cannot delete entity, must detach all policies first.");
    }
    state.delete(StoredIdentities.GROUPS + g.name());
    return Map.of();
  }

  Map<String, Object> addUserToGroup(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String user = member(call);
    if (!g.members().contains(user)
        && identities.groups().stream().filter(x -> x.members().contains(user)).count() >= GROUPS_PER_USER) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for GroupsPerUser: " + GROUPS_PER_USER);
    }
    update(g, c -> {
      List<String> members = new ArrayList<>(c.members());
      if (!members.contains(user)) {
        members.add(user);
      }
      return copy(c, members, c.inlinePolicies(), c.attachedPolicies());
    });
    return Map.of();
  }

  Map<String, Object> removeUserFromGroup(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String user = member(call);
    update(g, c -> {
      List<String> members = new ArrayList<>(c.members());
      if (!members.remove(user)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + user + " cannot be found in group "
            + c.name() + ".");
      }
      return copy(c, members, c.inlinePolicies(), c.attachedPolicies());
    });
    return Map.of();
  }

  Map<String, Object> listGroupsForUser(IamCall call) throws StsException {
    String user = member(call);
    List<StoredGroup> groups = new ArrayList<>(identities.groups().stream().filter(g -> g.members().contains(user))
        .toList());
    groups.sort(Comparator.comparing(StoredGroup::name, IamPages.ORDER));
    return IamPages.page(call, "Groups", groups, StoredGroup::name, g -> render(call, g));
  }

  Map<String, Object> putGroupPolicy(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String policyName = call.name("PolicyName", 128);
    String document = call.required("PolicyDocument");
    update(g, c -> {
      Map<String, String> inline = new LinkedHashMap<>(c.inlinePolicies());
      inline.remove(policyName);
      int others = inline.values().stream().mapToInt(d -> d.replaceAll("\\s", "").length()).sum();
      IamDocuments.identityPolicy(policyName, document, INLINE_POLICY_CHARS - others, "group " + c.name(),
          identities.policyDialect());
      inline.put(policyName, document);
      return copy(c, c.members(), inline, c.attachedPolicies());
    });
    return Map.of();
  }

  Map<String, Object> getGroupPolicy(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String policyName = call.name("PolicyName", 128);
    String document = g.inlinePolicies().get(policyName);
    if (document == null) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "The group policy with name " + policyName + " cannot be found.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("GroupName", g.name());
    m.put("PolicyName", policyName);
    m.put("PolicyDocument", IamDocuments.encoded(document));
    return m;
  }

  Map<String, Object> listGroupPolicies(IamCall call) throws StsException {
    StoredGroup g = group(call);
    return IamPages.page(call, "PolicyNames", g.inlinePolicies().keySet().stream().sorted(IamPages.ORDER).toList(), n -> n, n -> n);
  }

  Map<String, Object> deleteGroupPolicy(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String policyName = call.name("PolicyName", 128);
    update(g, c -> {
      Map<String, String> inline = new LinkedHashMap<>(c.inlinePolicies());
      if (inline.remove(policyName) == null) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "The group policy with name " + policyName
            + " cannot be found.");
      }
      return copy(c, c.members(), inline, c.attachedPolicies());
    });
    return Map.of();
  }

  Map<String, Object> attachGroupPolicy(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String arn = UserActions.attachable(call, identities);
    update(g, c -> {
      List<String> attached = new ArrayList<>(c.attachedPolicies());
      if (!attached.contains(arn)) {
        if (attached.size() >= ATTACHED_POLICIES) {
          throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for PoliciesPerGroup: "
              + ATTACHED_POLICIES);
        }
        attached.add(arn);
      }
      return copy(c, c.members(), c.inlinePolicies(), attached);
    });
    return Map.of();
  }

  Map<String, Object> detachGroupPolicy(IamCall call) throws StsException {
    StoredGroup g = group(call);
    String arn = call.required("PolicyArn");
    update(g, c -> {
      List<String> attached = new ArrayList<>(c.attachedPolicies());
      if (!attached.remove(arn)) {
        throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " was not found.");
      }
      return copy(c, c.members(), c.inlinePolicies(), attached);
    });
    return Map.of();
  }

  Map<String, Object> listAttachedGroupPolicies(IamCall call) throws StsException {
    StoredGroup g = group(call);
    return IamPages.page(call, "AttachedPolicies", g.attachedPolicies(), a -> a, IamDocuments::attached);
  }

  /** The named group, after the permission check on its ARN. */
  private StoredGroup group(IamCall call) throws StsException {
    String name = call.name("GroupName", 128);
    StoredGroup g = identities.findGroup(name).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The group with name " + name + " cannot be found."));
    call.authorize(arn(call, g));
    return g;
  }

  private String member(IamCall call) throws StsException {
    String name = call.name("UserName", 64);
    // The user's own spelling: names match regardless of case, members are kept as spelled.
    return identities.findUser(name).filter(u -> !u.accountRoot()).map(User::name).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + name + " cannot be found."));
  }

  private void update(StoredGroup g, IamState.Change<StoredGroup> change) throws StsException {
    state.update(StoredIdentities.GROUPS + g.name(), StoredGroup.class, change);
  }

  private static StoredGroup copy(StoredGroup c, List<String> members, Map<String, String> inline,
      List<String> attached) {
    return new StoredGroup(c.name(), c.path(), c.groupId(), c.createDate(), members, inline, attached);
  }
}
