package dev.tokengate.sigv4;

import java.util.Map;

/**
 * A request failed authentication for {@link #reason()}. {@link #details()} holds extra wire
 * elements in order (e.g. {@code StringToSign}, {@code CanonicalRequest} for a signature mismatch,
 * {@code RequestTime}/{@code ServerTime} for skew); never a secret.
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final AuthFailure reason;
  private final Map<String, String> details;

  public AuthenticationException(AuthFailure reason, String message) {
    this(reason, message, Map.of());
  }

  /** @param details insertion-ordered; use a LinkedHashMap. */
  public AuthenticationException(AuthFailure reason, String message, Map<String, String> details) {
    super(message, null, false, false);
    this.reason = reason;
    this.details = details;
  }

  public AuthFailure reason() {
    return reason;
  }

  public Map<String, String> details() {
    return details;
  }
}
