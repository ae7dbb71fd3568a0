package dev.tokengate.policy;

import java.util.Objects;

/**
 * The authenticated caller: its ARN, kind, account and the ids AWS exposes as {@code aws:userid}
 * and {@code aws:username}.
 *
 * @param arn the caller's ARN (for a role session the {@code arn:aws:sts::…:assumed-role/R/S} form)
 * @param type the kind of principal
 * @param accountId the 12-digit account
 * @param userId the {@code aws:userid} value (AIDA… for users, {@code ROLEID:session} for sessions)
 * @param username the IAM user name; null for anything but an IAM user, as in AWS
 * @param roleName for an assumed-role session, the role's name; null otherwise
 */
public record Principal(
    String arn, PrincipalType type, String accountId, String userId, String username, String roleName) {

  public Principal {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(accountId, "accountId");
  }

  /** An IAM user {@code arn:aws:iam::ACCOUNT:user/NAME}; {@code userId} is its AIDA… id. */
  public static Principal user(String accountId, String name, String userId) {
    return new Principal("arn:aws:iam::" + accountId + ":user/" + name, PrincipalType.USER, accountId,
        userId == null ? name : userId, name, null);
  }

  /** A role session {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}. */
  public static Principal assumedRole(String accountId, String roleName, String sessionName, String roleId) {
    String arn = "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
    return new Principal(arn, PrincipalType.ASSUMED_ROLE, accountId,
        (roleId == null ? roleName : roleId) + ":" + sessionName, null, roleName);
  }

  /** A GetFederationToken session {@code arn:aws:sts::ACCOUNT:federated-user/NAME}. */
  public static Principal federatedUser(String accountId, String name) {
    return new Principal("arn:aws:sts::" + accountId + ":federated-user/" + name,
        PrincipalType.FEDERATED_USER, accountId, accountId + ":" + name, null, null);
  }

  /** The account root {@code arn:aws:iam::ACCOUNT:root}. */
  public static Principal root(String accountId) {
    return new Principal("arn:aws:iam::" + accountId + ":root", PrincipalType.ACCOUNT, accountId,
        accountId, null, null);
  }

  /** An unauthenticated caller; only resource policies granting {@code *} can allow it. */
  public static Principal anonymous() {
    return new Principal("anonymous", PrincipalType.ANONYMOUS, "", null, null, null);
  }

  /**
   * Recognises the kind from an ARN (user, root, assumed-role session, federated user).
   *
   * @throws IllegalArgumentException if the ARN is none of those
   */
  public static Principal fromArn(String arn, String userId) {
    String[] parts = arn.split(":", 6);
    if (parts.length != 6 || !parts[0].equals("arn") || parts[4].isEmpty()) {
      throw new IllegalArgumentException("not a principal ARN: " + arn);
    }
    String account = parts[4];
    String resource = parts[5];
    if (parts[2].equals("iam") && resource.equals("root")) {
      return root(account);
    }
    if (parts[2].equals("iam") && resource.startsWith("user/")) {
      String name = resource.substring(resource.lastIndexOf('/') + 1);
      return new Principal(arn, PrincipalType.USER, account, userId == null ? name : userId, name, null);
    }
    if (parts[2].equals("sts") && resource.startsWith("assumed-role/")) {
      String[] rs = resource.split("/", 3);
      if (rs.length == 3) {
        return new Principal(arn, PrincipalType.ASSUMED_ROLE, account,
            userId == null ? rs[1] + ":" + rs[2] : userId, null, rs[1]);
      }
    }
    if (parts[2].equals("sts") && resource.startsWith("federated-user/")) {
      String name = resource.substring("federated-user/".length());
      return new Principal(arn, PrincipalType.FEDERATED_USER, account,
          userId == null ? account + ":" + name : userId, null, null);
    }
    throw new IllegalArgumentException("not a principal ARN: " + arn);
  }

  /** For a role session, the role ARN a bucket policy would name ({@code arn:aws:iam::A:role/R}). */
  public String roleArn() {
    return roleName == null ? null : "arn:aws:iam::" + accountId + ":role/" + roleName;
  }
}
