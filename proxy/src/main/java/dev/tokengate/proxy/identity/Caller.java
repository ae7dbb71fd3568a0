package dev.tokengate.proxy.identity;

/**
 * Who signed a request: the principal ARN and ids policies see, and where its permissions come
 * from (a user, or a role through a session).
 *
 * @param userName aws:username; null for role sessions and federated users
 * @param user the IAM user whose policies apply (long-term keys, GetSessionToken,
 *     GetFederationToken), else null
 * @param role the assumed role, else null
 */
public record Caller(
    PrincipalType type, String arn, String userId, String userName, String accountId, User user, Role role) {

  /** The caller of a request signed with a long-term {@code AKIA…} key. */
  public static Caller of(User user, String accountId) {
    return new Caller(PrincipalType.USER, user.arn(), user.userId(), user.name(), accountId, user, null);
  }
}
