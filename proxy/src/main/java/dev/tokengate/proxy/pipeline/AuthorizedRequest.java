package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.util.function.UnaryOperator;

/**
 * An S3 request the caller's policies allow, with the operation it was classified as. Emitted by
 * {@link RequestAuthorizer}; the body follows as {@code HttpContent} messages.
 *
 * @param keyPermission for DeleteObjects, the per-key check the body handler applies; else null
 * @param responseRewriter when set, the forwarder buffers the (small) backend response body and
 *     passes it through this function before answering; else responses stream
 * @param hideMissingKeys the caller may not list the bucket, so a missing key must answer 403, not
 *     404 (S3 does not tell such a caller whether a key exists)
 */
public record AuthorizedRequest(
    AuthenticatedRequest authenticated,
    S3Request s3,
    S3Operation operation,
    KeyPermission keyPermission,
    UnaryOperator<String> responseRewriter,
    boolean hideMissingKeys) {

  /** Decides one key of a DeleteObjects body. */
  @FunctionalInterface
  public interface KeyPermission {
    /** @return null when allowed, else the AccessDenied message */
    String denial(String key, String versionId);
  }

  public AuthorizedRequest(AuthenticatedRequest authenticated, S3Request s3, S3Operation operation) {
    this(authenticated, s3, operation, null, null, false);
  }

  public HttpRequest head() {
    return authenticated.head();
  }

  public String requestId() {
    return authenticated.requestId();
  }

  public Caller caller() {
    return authenticated.caller();
  }

  public PayloadMode payloadMode() {
    return authenticated.payloadMode();
  }

  public VerifiedRequest verified() {
    return authenticated.verified();
  }
}
