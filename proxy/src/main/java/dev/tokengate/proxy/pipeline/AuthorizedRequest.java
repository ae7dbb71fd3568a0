package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * An S3 request the caller's policies allow: its model, as authorized. Emitted by {@link
 * RequestAuthorizer}; the body follows as {@code HttpContent} messages. The backend request is
 * built from {@link #model()} alone.
 *
 * @param keyPermission for DeleteObjects, the per-key check the body handler applies; else null
 * @param hideMissingKeys the caller may not list the bucket, so a missing key must answer 403, not
 *     404 (S3 does not tell such a caller whether a key exists)
 * @param bodyRewritten the body the backend receives is not the client's (DeleteObjects), so the
 *     client's payload hash is not passed on
 */
public record AuthorizedRequest(
    AuthenticatedRequest authenticated,
    S3RequestModel model,
    KeyPermission keyPermission,
    boolean hideMissingKeys,
    boolean bodyRewritten) {

  /** Decides one key of a DeleteObjects body. */
  @FunctionalInterface
  public interface KeyPermission {
    /** @return null when allowed, else the AccessDenied message */
    String denial(String key, String versionId);
  }

  public AuthorizedRequest withModel(S3RequestModel rewritten) {
    return new AuthorizedRequest(authenticated, rewritten, keyPermission, hideMissingKeys, true);
  }

  public S3Operation operation() {
    return model.operation();
  }

  /** The policy engine's view of the model. */
  public S3Request s3() {
    return model.policyView();
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
