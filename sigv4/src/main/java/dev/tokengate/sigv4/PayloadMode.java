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
    throw new UnsupportedOperationException("sigv4 helper implements this");
  }
}
