package dev.tokengate.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** Response header rules shared by every response the proxy writes. */
final class HttpHeadersFilter {
  private HttpHeadersFilter() {}

  /** Hop-by-hop headers are the frontend connection's business; the request id is ours. */
  static void forResponse(HttpHeaders headers, String requestId) {
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove("proxy-connection");
    headers.set("x-amz-request-id", requestId);
  }
}
