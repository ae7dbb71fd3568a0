package dev.tokengate.sigv4.token;

/**
 * A session token that did not open, for whatever reason; the reason is for the debug log only.
 *
 * <p>Every cause (bad base64, unknown version or key id, failed GCM tag, truncation, a codec
 * error, a different access key) gets the same public message, as Tink's "decryption failed"
 * does, so a client probing tokens learns nothing about which check it tripped. The proxy
 * answers S3 {@code InvalidToken} (or STS {@code InvalidClientTokenId}) with {@link
 * #getMessage()} and may log {@link #debugReason()}; the reason must never reach the wire.
 */
public final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** S3's own wording for {@code InvalidToken}. */
  public static final String PUBLIC_MESSAGE = "The provided token is malformed or otherwise not valid.";

  private final String debugReason;

  InvalidTokenException(String debugReason) {
    this(debugReason, null);
  }

  InvalidTokenException(String debugReason, Throwable cause) {
    super(PUBLIC_MESSAGE, cause);
    this.debugReason = debugReason;
  }

  /** Why the token did not open; for the debug log, never for a response. */
  public String debugReason() {
    return debugReason;
  }
}
