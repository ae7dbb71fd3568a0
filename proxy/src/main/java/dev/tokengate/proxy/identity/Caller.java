package dev.tokengate.proxy.identity;

import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;

/**
 * Who signed a request: the principal policies see, and where its permissions come from. The
 * principal of a session records the identity it was issued from (the role ARN with its path; the
 * IAM user of a federated session), which {@code aws:PrincipalArn} and principal matching need.
 *
 * @param user the IAM user whose policies apply (long-term keys, GetSessionToken,
 *     GetFederationToken sessions), else null
 * @param role the assumed role, else null
 * @param session the facts sealed in the session token, or null for long-term keys
 * @param longTermKeyId the {@code AKIA…} key that signed, or null (sessions, anonymous)
 */
public record Caller(Principal principal, User user, Role role, Session session, String longTermKeyId) {

  /** The caller of a session or of no key. */
  public Caller(Principal principal, User user, Role role, Session session) {
    this(principal, user, role, session, null);
  }

  /** The caller of a request signed with the long-term {@code AKIA…} key {@code keyId}. */
  public static Caller of(User user, String keyId) {
    return new Caller(user.principal(), user, null, null, keyId);
  }

  /** An unsigned request: no identity policies; only a bucket policy naming "*" can allow it. */
  public static Caller anonymous() {
    return new Caller(Principal.anonymous(), null, null, null);
  }

  public boolean isAnonymous() {
    return user == null && role == null;
  }

  /** Whether this is a GetSessionToken session (the user itself, through temporary keys). */
  public boolean isUserSession() {
    return session != null && session.principalType() == PrincipalType.USER;
  }

  /** Whether this is a GetFederationToken session. */
  public boolean isFederatedSession() {
    return session != null && session.principalType() == PrincipalType.FEDERATED_USER;
  }

  /** Whether the session was authenticated with MFA (false for long-term keys). */
  public boolean mfaAuthenticated() {
    return session != null && session.mfaAuthenticatedAt() != null;
  }

  public String arn() {
    return principal.arn();
  }
}
