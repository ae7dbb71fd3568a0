package dev.tokengate.proxy.identity;

import dev.tokengate.policy.Principal;

/**
 * Who signed a request: the principal policies see, and where its permissions come from.
 *
 * @param user the IAM user whose policies apply (long-term keys, GetSessionToken,
 *     GetFederationToken sessions), else null
 * @param role the assumed role, else null
 * @param session the facts sealed in the session token, or null for long-term keys
 */
public record Caller(Principal principal, User user, Role role, Session session) {

  /** The caller of a request signed with a long-term {@code AKIA…} key. */
  public static Caller of(User user, String accountId) {
    return new Caller(Principal.user(accountId, user.name(), user.userId()), user, null, null);
  }

  /** An unsigned request: no identity policies; only a bucket policy naming "*" can allow it. */
  public static Caller anonymous() {
    return new Caller(Principal.anonymous(), null, null, null);
  }

  public boolean isAnonymous() {
    return user == null && role == null;
  }

  public String arn() {
    return principal.arn();
  }
}
