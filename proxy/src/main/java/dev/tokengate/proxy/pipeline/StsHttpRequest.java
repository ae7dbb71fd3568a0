package dev.tokengate.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/** A whole query-protocol call (STS or IAM: head and form body), as assembled by {@link StsRequestAggregator}. */
final class StsHttpRequest extends DefaultFullHttpRequest {
  private final Service service;

  StsHttpRequest(HttpRequest head, ByteBuf body, HttpHeaders trailers, Service service) {
    super(head.protocolVersion(), head.method(), head.uri(), body, head.headers(), trailers);
    this.service = service;
  }

  Service service() {
    return service;
  }
}
