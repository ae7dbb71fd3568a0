package dev.tokengate.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * An S3 error response as {@link ErrorResponder} renders it. Its type tells the handlers on the
 * way out that this error is the proxy's own, not a backend's to be rewritten ({@link
 * BackendErrorRewriter}).
 */
final class RenderedError extends DefaultFullHttpResponse {
  RenderedError(HttpResponseStatus status, ByteBuf body) {
    super(HttpVersion.HTTP_1_1, status, body);
  }
}
