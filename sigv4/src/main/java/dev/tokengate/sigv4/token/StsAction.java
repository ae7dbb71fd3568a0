package dev.tokengate.sigv4.token;

/**
 * The STS action that created a session; it decides which later STS calls the session may make.
 *
 * <p>Each constant carries its wire name and a one-byte code for the token codec. Codes are
 * part of the token format: never renumber them, only add.
 */
public enum StsAction {
  GET_SESSION_TOKEN("GetSessionToken", 1),
  ASSUME_ROLE("AssumeRole", 2),
  GET_FEDERATION_TOKEN("GetFederationToken", 3),
  ASSUME_ROLE_WITH_WEB_IDENTITY("AssumeRoleWithWebIdentity", 4),
  ASSUME_ROLE_WITH_SAML("AssumeRoleWithSAML", 5);

  private final String wireName;
  private final int code;

  StsAction(String wireName, int code) {
    this.wireName = wireName;
    this.code = code;
  }

  /** The {@code Action=} value, e.g. {@code AssumeRole}. */
  public String wireName() {
    return wireName;
  }

  int code() {
    return code;
  }

  static StsAction ofCode(int code) {
    for (StsAction a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    return null;
  }
}
