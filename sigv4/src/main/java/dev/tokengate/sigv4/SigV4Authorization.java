package dev.tokengate.sigv4;

import java.time.Instant;
import java.util.List;

/**
 * A SigV4 {@code Authorization} header or presigned query, parsed once into one shape.
 *
 * @param signedHeaders lower-case names, as listed by the client
 * @param amzDate the request time exactly as sent ({@code yyyyMMdd'T'HHmmss'Z'})
 * @param expiresSeconds {@code X-Amz-Expires} for presigned requests, else -1
 * @param payloadHash the payload line of the canonical request: {@code x-amz-content-sha256}
 *     for header auth (hex, {@code UNSIGNED-PAYLOAD} or a {@code STREAMING-…} literal), {@code
 *     UNSIGNED-PAYLOAD} (or a signed query hash) for presigned URLs; null when the scope service
 *     is not {@code s3} and the client sent no hash (STS/IAM clients sign the SHA-256 of the body
 *     without sending it): the caller then supplies it via {@link #withPayloadHash} or {@link
 *     SignatureVerifier#verify(SignedRequest, SigV4Authorization, String, String)}
 */
public record SigV4Authorization(
    AuthStyle style,
    Credential credential,
    List<String> signedHeaders,
    String signature,
    String amzDate,
    Instant requestTime,
    long expiresSeconds,
    String payloadHash,
    String securityToken)
    implements ParsedAuthorization {

  @Override
  public String accessKeyId() {
    return credential.accessKeyId();
  }

  /** The same authorization with another payload line (e.g. the SHA-256 of an STS form body). */
  public SigV4Authorization withPayloadHash(String hash) {
    return new SigV4Authorization(
        style, credential, signedHeaders, signature, amzDate, requestTime, expiresSeconds, hash,
        securityToken);
  }

  /** True for a presigned URL. */
  public boolean isPresigned() {
    return style == AuthStyle.QUERY;
  }
}
