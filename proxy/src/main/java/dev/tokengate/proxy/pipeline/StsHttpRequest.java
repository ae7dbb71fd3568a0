package dev.tokengate.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/** A whole STS call (head and form body), as assembled by {@link StsRequestAggregator}. */
final class StsHttpRequest extends DefaultFullHttpRequest {

  StsHttpRequest(HttpRequest head, ByteBuf body, HttpHeaders trailers) {
    super(head.protocolVersion(), head.method(), head.uri(), body, head.headers(), trailers);
  }
}
