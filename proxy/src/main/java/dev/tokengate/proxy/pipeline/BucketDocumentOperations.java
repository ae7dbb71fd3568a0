package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of bucket document the proxy keeps (a policy, a CORS configuration, a tag set): the
 * operations on it that {@link BucketDocumentHandler} answers, and their answers once the handler
 * has read the body whole and the backend has confirmed the bucket exists.
 */
interface BucketDocumentOperations {
  /** The operations answered; no two kinds share one. */
  Set<S3Operation> operations();

  /** The largest body an operation of this kind takes. */
  int maxBodyBytes();

  /** S3's error for a body over {@link #maxBodyBytes}. */
  S3Exception tooLarge();

  /**
   * Answers {@code r} (one of {@link #operations}) on a bucket that exists.
   *
   * @return completes with the response, or fails with the state store's failure
   * @throws S3Exception when the client's input is refused (nothing changed)
   */
  CompletableFuture<FullHttpResponse> answer(AuthorizedRequest r, byte[] body) throws S3Exception;

  /** Whether the bucket has a document of this kind. */
  boolean holds(String bucket);

  /** Removes the bucket's document (its bucket is gone); completes as the store did. */
  CompletableFuture<Boolean> delete(String bucket);

  /** A response of the proxy's own, with the request's id. */
  static FullHttpResponse response(AuthorizedRequest r, HttpResponseStatus status, String type, byte[] body) {
    byte[] bytes = body == null ? new byte[0] : body;
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    if (type != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    }
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    response.headers().set("x-amz-request-id", r.requestId());
    return response;
  }
}
