package dev.tokengate.policy;

import java.util.Objects;

/**
 * The authenticated caller: its ARN, kind, account, the ids AWS exposes as {@code aws:userid} and
 * {@code aws:username}, and the IAM identity a session was issued from.
 *
 * @param arn the caller's ARN (for a role session the {@code arn:aws:sts::…:assumed-role/R/S} form)
 * @param type the kind of principal
 * @param accountId the 12-digit account
 * @param userId the {@code aws:userid} value (AIDA… for users, {@code ROLEID:session} for sessions)
 * @param username the IAM user name; null for anything but an IAM user, as in AWS
 * @param roleName for an assumed-role session, the role's name; null otherwise
 * @param issuerArn the IAM identity a session comes from: the role ARN (with its path) of a role
 *     session, the IAM user ARN of a GetFederationToken session; null otherwise or when unknown
 */
public record Principal(
    String arn, PrincipalType type, String accountId, String userId, String username, String roleName,
    String issuerArn) {

  /** The ARN decisions report for an unauthenticated caller; never a real ARN. */
  public static final String ANONYMOUS_ARN = "anonymous";

  public Principal {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(accountId, "accountId");
  }

  /** An IAM user {@code arn:aws:iam::ACCOUNT:user/NAME}; {@code userId} is its AIDA… id. */
  public static Principal user(String accountId, String name, String userId) {
    return iamUser("arn:aws:iam::" + accountId + ":user/" + name, userId);
  }

  /** An IAM user by its ARN, path included ({@code arn:aws:iam::ACCOUNT:user/PATH/NAME}). */
  public static Principal iamUser(String userArn, String userId) {
    String account = accountOf(userArn);
    String name = userArn.substring(userArn.lastIndexOf('/') + 1);
    return new Principal(userArn, PrincipalType.USER, account, userId == null ? name : userId, name, null, null);
  }

  /** A role session {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION} of a role without a path. */
  public static Principal assumedRole(String accountId, String roleName, String sessionName, String roleId) {
    return roleSession("arn:aws:iam::" + accountId + ":role/" + roleName, sessionName, roleId);
  }

  /**
   * A session of the role {@code roleArn} ({@code arn:aws:iam::ACCOUNT:role/PATH/NAME}): its own ARN
   * carries the role name without the path, as AWS's does.
   */
  public static Principal roleSession(String roleArn, String sessionName, String roleId) {
    String account = accountOf(roleArn);
    String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    String arn = "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName;
    return new Principal(arn, PrincipalType.ASSUMED_ROLE, account,
        (roleId == null ? roleName : roleId) + ":" + sessionName, null, roleName, roleArn);
  }

  /** A GetFederationToken session {@code arn:aws:sts::ACCOUNT:federated-user/NAME}, issuer unknown. */
  public static Principal federatedUser(String accountId, String name) {
    return new Principal("arn:aws:sts::" + accountId + ":federated-user/" + name,
        PrincipalType.FEDERATED_USER, accountId, accountId + ":" + name, null, null, null);
  }

  /** A GetFederationToken session named {@code name} of the IAM user {@code userArn}. */
  public static Principal federatedUserOf(String userArn, String name) {
    return federatedUser(accountOf(userArn), name).withIssuer(userArn);
  }

  /**
   * The bearer of an ID token of the OIDC provider {@code providerArn} ({@code
   * arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH}), as a trust policy's {@code "Federated"}
   * principal names it; {@code subject} is the token's {@code sub}.
   */
  public static Principal webIdentity(String providerArn, String subject) {
    return new Principal(providerArn, PrincipalType.WEB_IDENTITY, accountOf(providerArn), subject, null, null,
        providerArn);
  }

  /**
   * The bearer of a SAML assertion of the provider {@code providerArn} ({@code
   * arn:aws:iam::ACCOUNT:saml-provider/NAME}), as a trust policy's {@code "Federated"} principal
   * names it; {@code subject} is the assertion's NameID.
   */
  public static Principal saml(String providerArn, String subject) {
    return new Principal(providerArn, PrincipalType.SAML_USER, accountOf(providerArn), subject, null, null,
        providerArn);
  }

  /** The {@code Federated} name of the LDAP directory (MinIO's STS extension); no ARN names it. */
  public static final String LDAP_PROVIDER = "ldap";

  /**
   * A user the LDAP directory authenticated, calling AssumeRoleWithLDAPIdentity; a role's trust
   * policy names it {@code {"Federated": "ldap"}}; {@code username} is its {@code aws:userid}.
   */
  public static Principal ldap(String accountId, String username) {
    return new Principal(LDAP_PROVIDER, PrincipalType.LDAP_USER, accountId, username, null, null, null);
  }

  /** The account root {@code arn:aws:iam::ACCOUNT:root}. */
  public static Principal root(String accountId) {
    return new Principal("arn:aws:iam::" + accountId + ":root", PrincipalType.ACCOUNT, accountId,
        accountId, null, null, null);
  }

  /**
   * An unauthenticated caller; only resource policies granting {@code *} can allow it. It has no
   * {@code aws:userid}: the condition-key reference says anonymous requests do not include it.
   */
  public static Principal anonymous() {
    return new Principal(ANONYMOUS_ARN, PrincipalType.ANONYMOUS, "", null, null, null, null);
  }

  /**
   * Recognises the kind from an ARN (user, root, assumed-role session, federated user). A role
   * session's issuer is taken as the role without a path; a federated user's issuer is unknown.
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
      return iamUser(arn, userId);
    }
    if (parts[2].equals("sts") && resource.startsWith("assumed-role/")) {
      String[] rs = resource.split("/", 3);
      if (rs.length == 3) {
        return new Principal(arn, PrincipalType.ASSUMED_ROLE, account,
            userId == null ? rs[1] + ":" + rs[2] : userId, null, rs[1], "arn:aws:iam::" + account + ":role/" + rs[1]);
      }
    }
    if (parts[2].equals("sts") && resource.startsWith("federated-user/")) {
      String name = resource.substring("federated-user/".length());
      return new Principal(arn, PrincipalType.FEDERATED_USER, account,
          userId == null ? account + ":" + name : userId, null, null, null);
    }
    throw new IllegalArgumentException("not a principal ARN: " + arn);
  }

  /** The same principal issued from {@code issuer} (a role ARN, or the IAM user of a federated user). */
  public Principal withIssuer(String issuer) {
    return new Principal(arn, type, accountId, userId, username, roleName, issuer);
  }

  /** For a role session, the role ARN a policy would name ({@code arn:aws:iam::A:role/PATH/R}). */
  public String roleArn() {
    if (type != PrincipalType.ASSUMED_ROLE || roleName == null) {
      return null;
    }
    return issuerArn != null ? issuerArn : "arn:aws:iam::" + accountId + ":role/" + roleName;
  }

  /**
   * The value of {@code aws:PrincipalArn}: the role's ARN for a role session (AWS: "the ARN of the
   * role, not the ARN of the user that assumed the role"), the caller's own ARN otherwise; null for
   * an anonymous caller.
   */
  public String principalArn() {
    return switch (type) {
      case ANONYMOUS -> null;
      case ASSUMED_ROLE -> roleArn();
      default -> arn;
    };
  }

  /** The IAM user a GetFederationToken session comes from, or null. */
  public String issuerUserName() {
    if (type != PrincipalType.FEDERATED_USER || issuerArn == null || !issuerArn.contains(":user/")) {
      return null;
    }
    return issuerArn.substring(issuerArn.lastIndexOf('/') + 1);
  }

  private static String accountOf(String arn) {
    String[] parts = arn.split(":", 6);
    // An empty account is RGW's tenant-less world (PolicyDialect.RGW_TENANTLESS).
    if (parts.length != 6 || !parts[0].equals("arn")) {
      throw new IllegalArgumentException("not an IAM ARN: " + arn);
    }
    return parts[4];
  }
}
