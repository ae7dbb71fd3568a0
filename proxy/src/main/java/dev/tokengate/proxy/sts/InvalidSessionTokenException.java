package dev.tokengate.proxy.sts;

/** A session token did not open. Deliberately says nothing about why; see the debug log. */
public final class InvalidSessionTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidSessionTokenException() {
    super("The provided token is malformed or otherwise not valid.", null, false, false);
  }
}
