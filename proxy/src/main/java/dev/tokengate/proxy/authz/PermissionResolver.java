package dev.tokengate.proxy.authz;

import dev.tokengate.policy.PolicySet;
import dev.tokengate.proxy.identity.Caller;

/** The policies that govern a caller: its user's or role's, narrowed by its session's. */
public final class PermissionResolver {
  private final PolicyStore policies;

  public PermissionResolver(PolicyStore policies) {
    this.policies = policies;
  }

  public PolicySet forCaller(Caller caller) {
    if (caller.role() != null) {
      return policies.forRole(caller.role().name());
    }
    if (caller.user() != null) {
      return policies.forUser(caller.user().name());
    }
    throw new IllegalStateException("a caller must come from a user or a role: " + caller.arn());
  }
}
