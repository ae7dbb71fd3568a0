package dev.tokengate.proxy.sts;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.StatementRef;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.SessionContextKeys;
import dev.tokengate.proxy.identity.Caller;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Evaluates the caller's policies (and a role's trust policy) for STS actions. */
final class StsPermissions {
  private final PermissionResolver permissions;
  private final Clock clock;

  StsPermissions(PermissionResolver permissions, Clock clock) {
    this.permissions = permissions;
    this.clock = clock;
  }

  PermissionResolver resolver() {
    return permissions;
  }

  /** Requires the caller's identity policies to allow {@code action} on {@code resource}. */
  void require(Caller caller, String action, String resource, Map<String, List<String>> keys) throws StsException {
    Decision d = PolicyEvaluator.evaluate(permissions.forCaller(caller), context(caller, action, resource, keys));
    if (!d.allowed()) {
      throw new StsException(StsError.ACCESS_DENIED, d.accessDeniedMessage());
    }
  }

  /**
   * AssumeRole's two-sided rule: the role's trust policy must allow the caller, and the caller must
   * be allowed by its own policies unless the trust policy names it directly (same account).
   */
  void requireAssumeRole(Caller caller, Policy trust, String roleArn, Map<String, List<String>> keys) throws StsException {
    PolicySet callerPolicies = permissions.forCaller(caller);
    PolicySet withTrust = callerPolicies.withResource(trust);
    RequestContext context = context(caller, "sts:AssumeRole", roleArn, keys);
    Decision d = PolicyEvaluator.evaluate(withTrust, context);
    boolean trustAllowed = false;
    for (StatementRef s : d.statements()) {
      trustAllowed |= s.policyType() == PolicyType.RESOURCE;
    }
    if (!d.allowed() || !trustAllowed) {
      throw new StsException(
          StsError.ACCESS_DENIED,
          "User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
    }
  }

  private RequestContext context(Caller caller, String action, String resource, Map<String, List<String>> keys) {
    RequestContext c = RequestContext.of(caller.principal(), action, resource);
    c.put("aws:CurrentTime", DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
    c.put("aws:EpochTime", Long.toString(clock.instant().getEpochSecond()));
    if (caller.user() != null) {
      caller.user().tags().forEach((k, v) -> c.put("aws:PrincipalTag/" + k, v));
    }
    SessionContextKeys.add(c, caller, clock.instant());
    c.putAll(keys);
    return c;
  }
}
