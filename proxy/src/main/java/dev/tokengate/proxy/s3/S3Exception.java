package dev.tokengate.proxy.s3;

import java.util.Map;

/**
 * A request failed with an S3 wire error: one of the proxy's own {@link S3Error}s, or a backend's
 * error {@link #relayed(RelayedError, String) relayed} under its own code. {@code extraElements} are
 * rendered in order after {@code Message} (e.g. {@code StringToSign}, {@code Region}); they never
 * hold secrets, and a relayed error has none.
 */
public final class S3Exception extends Exception {
  private static final long serialVersionUID = 1L;

  private final S3Error error;
  private final RelayedError relayed;
  private final Map<String, String> extraElements;

  public S3Exception(S3Error error) {
    this(error, error.defaultMessage(), Map.of());
  }

  public S3Exception(S3Error error, String message) {
    this(error, message, Map.of());
  }

  public S3Exception(S3Error error, String message, Map<String, String> extraElements) {
    this(error, null, message, extraElements);
  }

  private S3Exception(S3Error error, RelayedError relayed, String message, Map<String, String> extraElements) {
    super(message, null, false, false);
    this.error = error;
    this.relayed = relayed;
    this.extraElements = extraElements;
  }

  /** A backend's error under its own code and status, with only its (checked) message. */
  public static S3Exception relayed(RelayedError relayed, String message) {
    return new S3Exception(null, relayed, message, Map.of());
  }

  /** The proxy's own error; null when this is a {@link #relayed()} backend error. */
  public S3Error error() {
    return error;
  }

  /** The backend's error passed on; null for the proxy's own errors. */
  public RelayedError relayed() {
    return relayed;
  }

  /** The wire code, e.g. {@code AccessDenied}. */
  public String code() {
    return error != null ? error.code() : relayed.code();
  }

  /** The HTTP status. */
  public int status() {
    return error != null ? error.status() : relayed.status();
  }

  public Map<String, String> extraElements() {
    return extraElements;
  }
}
