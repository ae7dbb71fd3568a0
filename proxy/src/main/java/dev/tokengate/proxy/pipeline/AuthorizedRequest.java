package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * An S3 request the caller's policies allow, with the operation it was classified as. Emitted by
 * {@link RequestAuthorizer}; the body follows as {@code HttpContent} messages.
 */
public record AuthorizedRequest(AuthenticatedRequest authenticated, S3Request s3, S3Operation operation) {

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
