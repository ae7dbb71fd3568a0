package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The policies that apply to one request: the caller's identity policies (inline and managed),
 * the bucket's resource policy, the session policies and the permissions boundary.
 *
 * @param identity identity-based policies (any may allow)
 * @param resource resource-based (bucket) policies
 * @param session session policies; empty means the session has none (no intersection)
 * @param boundary the permissions boundary, or null for none
 */
public record PolicySet(List<Policy> identity, List<Policy> resource, List<Policy> session, Policy boundary) {

  public PolicySet {
    identity = List.copyOf(identity);
    resource = List.copyOf(resource);
    session = List.copyOf(session);
    check(identity, PolicyType.IDENTITY);
    check(resource, PolicyType.RESOURCE);
    check(session, PolicyType.SESSION);
    if (boundary != null && boundary.type() != PolicyType.BOUNDARY) {
      throw new IllegalStateException("the permissions boundary must be parsed as BOUNDARY, got " + boundary.type());
    }
  }

  private static void check(List<Policy> policies, PolicyType expected) {
    for (Policy p : policies) {
      if (p.type() != expected) {
        throw new IllegalStateException(
            "policy " + p.name() + " is a " + p.type() + " policy but was given as " + expected);
      }
    }
  }

  /** Only identity-based policies. */
  public static PolicySet ofIdentity(List<Policy> identity) {
    return new PolicySet(identity, List.of(), List.of(), null);
  }

  /** A copy with the bucket policy {@code policy} added (null is ignored: bucket without policy). */
  public PolicySet withResource(Policy policy) {
    if (policy == null) {
      return this;
    }
    List<Policy> r = new ArrayList<>(resource);
    r.add(policy);
    return new PolicySet(identity, r, session, boundary);
  }

  /** A copy with the session policy {@code policy} added (null is ignored). */
  public PolicySet withSession(Policy policy) {
    if (policy == null) {
      return this;
    }
    List<Policy> s = new ArrayList<>(session);
    s.add(policy);
    return new PolicySet(identity, resource, s, boundary);
  }

  /** A copy with the permissions boundary set (null removes it). */
  public PolicySet withBoundary(Policy policy) {
    return new PolicySet(identity, resource, session, policy);
  }
}
