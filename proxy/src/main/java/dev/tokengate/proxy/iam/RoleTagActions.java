package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredRole;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tag/Untag/ListRoleTags (at most 50 tags a role). Tags of a configured role are its
 * configuration's: listed here, changed there.
 */
final class RoleTagActions {
  private final IdentityStore identities;
  private final IamState state;

  RoleTagActions(IdentityStore identities, IamState state) {
    this.identities = identities;
    this.state = state;
  }

  Map<String, Object> tagRole(IamCall call) throws StsException {
    Role r = modifiable(call);
    Map<String, String> added = UserActions.tags(call);
    if (added.isEmpty()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value null at 'tags' failed to"
          + " satisfy constraint: Member must not be null");
    }
    state.update(StoredIdentities.ROLES + r.name(), StoredRole.class, c -> {
      Map<String, String> tags = new LinkedHashMap<>(c.tags());
      tags.putAll(added);
      if (tags.size() > UserActions.MAX_TAGS) {
        throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for TagsPerRole: " + UserActions.MAX_TAGS);
      }
      return withTags(c, tags);
    });
    return Map.of();
  }

  Map<String, Object> untagRole(IamCall call) throws StsException {
    Role r = modifiable(call);
    List<String> keys = call.request().list("TagKeys");
    state.update(StoredIdentities.ROLES + r.name(), StoredRole.class, c -> {
      Map<String, String> tags = new LinkedHashMap<>(c.tags());
      keys.forEach(tags::remove);
      return withTags(c, tags);
    });
    return Map.of();
  }

  Map<String, Object> listRoleTags(IamCall call) throws StsException {
    Role r = role(call);
    List<Map<String, Object>> tags = r.tags().entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Key", e.getKey());
      m.put("Value", e.getValue());
      return m;
    }).toList();
    return IamPages.page(call, "Tags", tags, m -> (String) m.get("Key"), m -> m);
  }

  private Role role(IamCall call) throws StsException {
    String name = call.name("RoleName", 64);
    Role r = identities.findRole(name).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The role with name " + name + " cannot be found."));
    call.authorize(r.arn());
    return r;
  }

  private Role modifiable(IamCall call) throws StsException {
    Role r = role(call);
    if (identities.isConfiguredRole(r.name())) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The role " + r.name()
          + " is defined in tokengate's configuration; change it there.");
    }
    return r;
  }

  private static StoredRole withTags(StoredRole c, Map<String, String> tags) {
    return new StoredRole(c.name(), c.path(), c.roleId(), c.createDate(), c.description(), c.trustPolicy(),
        c.inlinePolicies(), c.attachedPolicies(), c.permissionsBoundary(), c.maxSessionDuration(), tags);
  }
}
