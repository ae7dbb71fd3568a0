package dev.tokengate.proxy.pipeline;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Drops (releases) the body of a request a handler refused, up to its last chunk, so the connection
 * can serve the next request.
 */
final class BodyDiscarder {
  private boolean active;

  /** Starts discarding; returns whether the connection must close instead (see below). */
  boolean start(HttpRequest refused) {
    active = true;
    // A client waiting for 100-continue never sends the body we would have to skip.
    return (HttpUtil.isTransferEncodingChunked(refused) || HttpUtil.getContentLength(refused, 0L) > 0)
        && HttpUtil.is100ContinueExpected(refused);
  }

  /** Releases {@code msg} if it belongs to a refused request's body; true if it did. */
  boolean discard(Object msg) {
    if (!active || !(msg instanceof HttpContent content)) {
      return false;
    }
    if (content instanceof LastHttpContent) {
      active = false;
    }
    content.release();
    return true;
  }
}
