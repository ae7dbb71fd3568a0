package dev.tokengate.policy;

/** Who is calling, with the value AWS puts in {@code aws:PrincipalType}. */
public enum PrincipalType {
  ACCOUNT("Account"),
  USER("User"),
  ASSUMED_ROLE("AssumedRole"),
  FEDERATED_USER("FederatedUser"),
  /**
   * The holder of an OIDC ID token calling AssumeRoleWithWebIdentity: only a role trust policy
   * naming its provider ({@code "Federated"}) sees it; its session is an ordinary assumed role.
   */
  WEB_IDENTITY("WebIdentityUser"),
  /** The holder of a SAML assertion calling AssumeRoleWithSAML: as {@link #WEB_IDENTITY}, for SAML. */
  SAML_USER("SAMLUser"),
  /**
   * A user of the LDAP directory calling AssumeRoleWithLDAPIdentity: as {@link #WEB_IDENTITY}; a
   * trust policy names it {@code {"Federated": "ldap"}}.
   */
  LDAP_USER("LDAPUser"),
  ANONYMOUS("Anonymous");

  private final String awsName;

  PrincipalType(String awsName) {
    this.awsName = awsName;
  }

  /** The {@code aws:PrincipalType} value. */
  public String awsName() {
    return awsName;
  }
}
