package dev.tokengate.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** Response header rules shared by every response the proxy writes. */
final class HttpHeadersFilter {
  private HttpHeadersFilter() {}

  /**
   * Hop-by-hop headers are the frontend connection's business. The backend's request id is kept
   * when it sent one, because its error bodies carry the same id (clients check they match); ours
   * is added otherwise.
   */
  static void forResponse(HttpHeaders headers, String requestId) {
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove("proxy-connection");
    if (!headers.contains("x-amz-request-id")) {
      headers.set("x-amz-request-id", requestId);
    }
  }
}
