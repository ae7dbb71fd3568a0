package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredRole;
import dev.tokengate.proxy.identity.StoredIdentities.StoredUser;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.Map;

/**
 * Permissions boundaries of created users and roles: Put/DeleteUserPermissionsBoundary and
 * Put/DeleteRolePermissionsBoundary. The boundary is a managed policy (AWS's or the account's) by
 * ARN, in force at once on the entity's long-term keys and sessions. A configured identity's
 * boundary is its configuration's (UnmodifiableEntity here).
 */
final class BoundaryActions {
  private final IdentityStore identities;
  private final IamState state;

  BoundaryActions(IdentityStore identities, IamState state) {
    this.identities = identities;
    this.state = state;
  }

  Map<String, Object> putUserPermissionsBoundary(IamCall call) throws StsException {
    User u = user(call);
    String arn = boundary(call);
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, c -> withBoundary(c, arn));
    return Map.of();
  }

  Map<String, Object> deleteUserPermissionsBoundary(IamCall call) throws StsException {
    User u = user(call);
    if (u.permissionsBoundaryArn() == null) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "The user " + u.name() + " has no permissions boundary.");
    }
    state.update(StoredIdentities.USERS + u.name(), StoredUser.class, c -> withBoundary(c, null));
    return Map.of();
  }

  Map<String, Object> putRolePermissionsBoundary(IamCall call) throws StsException {
    Role r = role(call);
    String arn = boundary(call);
    state.update(StoredIdentities.ROLES + r.name(), StoredRole.class, c -> withBoundary(c, arn));
    return Map.of();
  }

  Map<String, Object> deleteRolePermissionsBoundary(IamCall call) throws StsException {
    Role r = role(call);
    if (r.permissionsBoundaryArn() == null) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "The role " + r.name() + " has no permissions boundary.");
    }
    state.update(StoredIdentities.ROLES + r.name(), StoredRole.class, c -> withBoundary(c, null));
    return Map.of();
  }

  private String boundary(IamCall call) throws StsException {
    String arn = call.required("PermissionsBoundary");
    if (identities.managedPolicy(arn).isEmpty()) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "Policy " + arn + " does not exist or is not attachable.");
    }
    return arn;
  }

  private User user(IamCall call) throws StsException {
    String name = call.name("UserName", 64);
    User u = identities.findUser(name).filter(x -> !x.accountRoot()).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + name + " cannot be found."));
    call.authorize(u.arn());
    if (identities.isConfiguredUser(u.name())) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The user " + u.name()
          + " is defined in tokengate's configuration; change it there.");
    }
    return u;
  }

  private Role role(IamCall call) throws StsException {
    String name = call.name("RoleName", 64);
    Role r = identities.findRole(name).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The role with name " + name + " cannot be found."));
    call.authorize(r.arn());
    if (identities.isConfiguredRole(r.name())) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The role " + r.name()
          + " is defined in tokengate's configuration; change it there.");
    }
    return r;
  }

  private static StoredUser withBoundary(StoredUser c, String arn) {
    return new StoredUser(c.name(), c.path(), c.userId(), c.createDate(), c.inlinePolicies(), c.attachedPolicies(),
        arn, c.tags());
  }

  private static StoredRole withBoundary(StoredRole c, String arn) {
    return new StoredRole(c.name(), c.path(), c.roleId(), c.createDate(), c.description(), c.trustPolicy(),
        c.inlinePolicies(), c.attachedPolicies(), arn, c.maxSessionDuration(), c.tags());
  }
}
