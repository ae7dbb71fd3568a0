package dev.tokengate.proxy.s3;

import java.util.Map;

/**
 * A request failed with a wire {@link S3Error}. {@code extraElements} are rendered in order after
 * {@code Message} (e.g. {@code StringToSign}, {@code Region}); they never hold secrets.
 */
public final class S3Exception extends Exception {
  private static final long serialVersionUID = 1L;

  private final S3Error error;
  private final Map<String, String> extraElements;

  public S3Exception(S3Error error) {
    this(error, error.defaultMessage(), Map.of());
  }

  public S3Exception(S3Error error, String message) {
    this(error, message, Map.of());
  }

  public S3Exception(S3Error error, String message, Map<String, String> extraElements) {
    super(message, null, false, false);
    this.error = error;
    this.extraElements = extraElements;
  }

  public S3Error error() {
    return error;
  }

  public Map<String, String> extraElements() {
    return extraElements;
  }
}
