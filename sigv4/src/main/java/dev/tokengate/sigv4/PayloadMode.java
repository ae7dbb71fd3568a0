package dev.tokengate.sigv4;

/** How the request body is covered by the signature, from {@code x-amz-content-sha256}. */
public enum PayloadMode {
  /** A hex SHA-256 of the whole body: verified while streaming. */
  SIGNED,
  /** {@code UNSIGNED-PAYLOAD}. */
  UNSIGNED,
  /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}: aws-chunked, each chunk signed. */
  STREAMING_SIGNED,
  /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}: signed chunks and a signed trailer. */
  STREAMING_SIGNED_TRAILER,
  /** {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}: aws-chunked, unsigned chunks and trailer. */
  STREAMING_UNSIGNED_TRAILER;

  /** True when the body is aws-chunked framed. */
  public boolean isAwsChunked() {
    return this == STREAMING_SIGNED
        || this == STREAMING_SIGNED_TRAILER
        || this == STREAMING_UNSIGNED_TRAILER;
  }

  /**
   * The mode a payload-hash value announces.
   *
   * @throws AuthenticationException INVALID_CONTENT_SHA256 for anything else (SigV4A streaming,
   *     events, not-hex)
   */
  public static PayloadMode of(String payloadHash) throws AuthenticationException {
    if (payloadHash != null) {
      switch (payloadHash) {
        case UNSIGNED_PAYLOAD:
          return UNSIGNED;
        case STREAMING_SIGNED_LITERAL:
          return STREAMING_SIGNED;
        case STREAMING_SIGNED_TRAILER_LITERAL:
          return STREAMING_SIGNED_TRAILER;
        case STREAMING_UNSIGNED_TRAILER_LITERAL:
          return STREAMING_UNSIGNED_TRAILER;
        default:
          if (isSha256Hex(payloadHash)) {
            return SIGNED;
          }
      }
    }
    throw new AuthenticationException(
        AuthFailure.INVALID_CONTENT_SHA256,
        "The provided 'x-amz-content-sha256' header must be a valid SHA256.");
  }

  /** The literal payload line of an unsigned body (and of presigned URLs). */
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  /** The literal announcing {@link #STREAMING_SIGNED}. */
  public static final String STREAMING_SIGNED_LITERAL = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

  /** The literal announcing {@link #STREAMING_SIGNED_TRAILER}. */
  public static final String STREAMING_SIGNED_TRAILER_LITERAL =
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

  /** The literal announcing {@link #STREAMING_UNSIGNED_TRAILER}. */
  public static final String STREAMING_UNSIGNED_TRAILER_LITERAL =
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

  /** True for exactly 64 hex digits (either case; clients send lower case). */
  public static boolean isSha256Hex(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }
}
