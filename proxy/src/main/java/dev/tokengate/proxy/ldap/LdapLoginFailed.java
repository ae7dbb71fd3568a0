package dev.tokengate.proxy.ldap;

/** Why the directory gave no identity; the message is for the log, never for the caller. */
public final class LdapLoginFailed extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** Unknown user, wrong password, several entries for the name: one answer, no enumeration. */
    INVALID_CREDENTIALS,
    /** The directory could not be reached, timed out, refused the service account, or is busy. */
    UNAVAILABLE
  }

  private final Reason reason;

  public LdapLoginFailed(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
