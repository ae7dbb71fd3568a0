package dev.tokengate.sigv4;

/**
 * Signs an outbound request with SigV4 header auth (the proxy re-signing a forwarded request with
 * backend credentials). Shares the canonical request code with {@link SignatureVerifier}.
 */
public final class RequestSigner {

  public RequestSigner(SigningKeyCache keys) {}

  /**
   * Computes the {@code Authorization} header value. Every header in {@code request} is signed, so
   * the caller puts in exactly the headers to sign, including {@code host}, {@code x-amz-date} and
   * {@code x-amz-content-sha256}; {@code rawPath}/{@code rawQuery} are as they will be sent.
   *
   * @param amzDate {@code yyyyMMdd'T'HHmmss'Z'}, equal to the x-amz-date header
   */
  public String authorization(
      SignedRequest request,
      String accessKeyId,
      String secretKey,
      String region,
      String service,
      String amzDate,
      String payloadHash) {
    throw new UnsupportedOperationException("sigv4 helper implements this");
  }
}
