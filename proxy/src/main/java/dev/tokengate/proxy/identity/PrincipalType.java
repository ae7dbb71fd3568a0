package dev.tokengate.proxy.identity;

/** The aws:PrincipalType values. */
public enum PrincipalType {
  ACCOUNT("Account"),
  USER("User"),
  FEDERATED_USER("FederatedUser"),
  ASSUMED_ROLE("AssumedRole"),
  ANONYMOUS("Anonymous");

  private final String wireName;

  PrincipalType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
