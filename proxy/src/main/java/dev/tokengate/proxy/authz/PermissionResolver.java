package dev.tokengate.proxy.authz;

import dev.tokengate.policy.ManagedPolicies;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The policies that govern a caller: its user's or role's identity policies and boundary, narrowed
 * by its session's policies (inline and managed ARNs). A federated user without any session policy
 * has no permissions of its own, as in AWS ("if you do not pass any session policies, then the
 * resulting federated user session has no permissions"): it is given a session policy that allows
 * nothing, so only a resource policy naming the federated-user ARN itself can grant it anything.
 */
public final class PermissionResolver {
  /** Parsed session policies by text; sessions reuse the same few policies, so this stays small. */
  private static final int CACHE_LIMIT = 10_000;

  /** Covers no action, so intersecting with it leaves nothing. */
  static final Policy ALLOWS_NOTHING = PolicyParser.parse(
      "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":\"*\",\"NotResource\":\"*\"}}",
      PolicyType.SESSION, "no session policy (GetFederationToken without Policy or PolicyArns)");

  private final Supplier<PolicyStore> policies;
  private final Map<String, Policy> sessionPolicyCache = new ConcurrentHashMap<>();

  /** Fixed policies (tests, configured identities only). */
  public PermissionResolver(PolicyStore policies) {
    this(() -> policies);
  }

  /** @param policies the current policies, read at every call (identities change through the IAM API) */
  public PermissionResolver(Supplier<PolicyStore> policies) {
    this.policies = policies;
  }

  public PolicyStore store() {
    return policies.get();
  }

  public PolicySet forCaller(Caller caller) {
    PolicySet base;
    PolicyStore current = policies.get();
    if (caller.role() != null) {
      base = current.forRole(caller.role().name());
    } else if (caller.user() != null) {
      base = current.forUser(caller.user().name());
    } else if (caller.isAnonymous()) {
      return PolicySet.ofIdentity(List.of());
    } else {
      throw new IllegalStateException("a caller must come from a user or a role: " + caller.arn());
    }
    Session session = caller.session();
    if (session == null) {
      return base;
    }
    List<Policy> narrowing = sessionPolicies(session);
    if (narrowing.isEmpty() && session.principalType() == PrincipalType.FEDERATED_USER) {
      narrowing = List.of(ALLOWS_NOTHING);
    }
    return new PolicySet(base.identity(), base.resource(), narrowing, base.boundary());
  }

  /** The session's inline policy and managed policy ARNs, as session policies. */
  public List<Policy> sessionPolicies(Session session) {
    List<Policy> narrowing = new ArrayList<>();
    if (session.sessionPolicy() != null) {
      narrowing.add(parseSessionPolicy(session.sessionPolicy()));
    }
    for (String arn : session.policyArns()) {
      ManagedPolicies.lookup(arn).ifPresent(p -> narrowing.add(p.as(PolicyType.SESSION, arn)));
    }
    return narrowing;
  }

  /** Parses a session policy (cached); throws MalformedPolicyException with AWS's message. */
  public Policy parseSessionPolicy(String text) {
    Policy cached = sessionPolicyCache.get(text);
    if (cached != null) {
      return cached;
    }
    Policy parsed = PolicyParser.parse(text, PolicyType.SESSION, "session policy");
    if (sessionPolicyCache.size() >= CACHE_LIMIT) {
      sessionPolicyCache.clear();
    }
    sessionPolicyCache.put(text, parsed);
    return parsed;
  }
}
