package dev.tokengate.proxy.sts;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.StatementRef;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.identity.Caller;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the caller's policies (and a role's trust policy) for STS actions, in the full request
 * context: the caller's principal and session keys and the transport's ({@code aws:SourceIp} …),
 * plus the keys of the call itself.
 */
final class StsPermissions {
  private final PermissionResolver permissions;
  private final RequestContextFactory contexts;

  StsPermissions(PermissionResolver permissions, RequestContextFactory contexts) {
    this.permissions = permissions;
    this.contexts = contexts;
  }

  PermissionResolver resolver() {
    return permissions;
  }

  /** Requires the caller's identity policies to allow {@code action} on {@code resource}. */
  void require(Caller caller, CallFacts facts, String action, String resource, Map<String, List<String>> keys)
      throws StsException {
    Decision d = PolicyEvaluator.evaluate(permissions.forCaller(caller), context(caller, facts, action, resource, keys));
    if (!d.allowed()) {
      throw new StsException(StsError.ACCESS_DENIED, d.accessDeniedMessage());
    }
  }

  /**
   * The two-sided rule of the role actions ({@code sts:AssumeRole}, and {@code sts:TagSession} and
   * {@code sts:SetSourceIdentity} with it): the role's trust policy must allow the caller, and the
   * caller's own policies must allow the action too, unless the trust policy names the caller
   * itself (same account: "Same-account role trust", IAM User Guide, reference_policies_evaluation-
   * logic). A trust policy naming only the account ({@code arn:aws:iam::ACCT:root}) delegates to
   * the caller's identity policies.
   */
  void requireTrusted(
      Caller caller, CallFacts facts, Policy trust, String action, String roleArn, Map<String, List<String>> keys)
      throws StsException {
    PolicySet withTrust = permissions.forCaller(caller).withResource(trust);
    Decision d = PolicyEvaluator.evaluate(withTrust, context(caller, facts, action, roleArn, keys));
    boolean trustAllowed = false;
    for (StatementRef s : d.statements()) {
      trustAllowed |= s.policyType() == PolicyType.RESOURCE;
    }
    if (!d.allowed() || !trustAllowed) {
      throw new StsException(
          StsError.ACCESS_DENIED,
          "User: " + caller.arn() + " is not authorized to perform: " + action + " on resource: " + roleArn);
    }
  }

  private RequestContext context(
      Caller caller, CallFacts facts, String action, String resource, Map<String, List<String>> keys) {
    return contexts.forCall(caller, facts, action, resource).putAll(keys);
  }
}
