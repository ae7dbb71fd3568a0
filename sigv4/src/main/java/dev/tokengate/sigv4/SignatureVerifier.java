package dev.tokengate.sigv4;

import java.time.Clock;

/**
 * Verifies a SigV4 header or presigned request against the secret of its access key: time window
 * (±15 min skew for header auth; X-Amz-Date..+Expires for presigned), signed-header rules (host and
 * every x-amz-* header must be signed), canonical request from the raw request (S3 rules: no path
 * normalisation, no double encoding), string to sign, constant-time compare.
 */
public final class SignatureVerifier {

  public SignatureVerifier(Clock clock, SigningKeyCache keys) {}

  /**
   * @throws AuthenticationException REQUEST_TIME_TOO_SKEWED, PRESIGN_EXPIRED, PRESIGN_NOT_YET_VALID,
   *     HEADERS_NOT_SIGNED, SIGNATURE_MISMATCH (details: StringToSign, CanonicalRequest, …),
   *     INVALID_CONTENT_SHA256
   */
  public VerifiedRequest verify(SignedRequest request, SigV4Authorization auth, String secretKey)
      throws AuthenticationException {
    throw new UnsupportedOperationException("sigv4 helper implements this");
  }
}
