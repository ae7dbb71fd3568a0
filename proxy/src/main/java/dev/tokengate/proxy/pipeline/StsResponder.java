package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.sts.QueryXml;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsXmlNamespace;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Writes STS query-protocol responses: {@code text/xml}, {@code x-amzn-RequestId}. */
final class StsResponder {

  private StsResponder() {}

  static void ok(ChannelHandlerContext ctx, String requestId, byte[] body) {
    write(ctx, requestId, HttpResponseStatus.OK, body, false);
  }

  static void error(ChannelHandlerContext ctx, Service service, String requestId, StsException e, boolean close) {
    String namespace = service == Service.IAM ? StsXmlNamespace.IAM : StsXmlNamespace.STS;
    byte[] body = QueryXml.error(namespace, e.error(), e.getMessage(), requestId);
    write(ctx, requestId, HttpResponseStatus.valueOf(e.error().status()), body, close);
  }

  private static void write(
      ChannelHandlerContext ctx, String requestId, HttpResponseStatus status, byte[] body, boolean close) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set("x-amzn-RequestId", requestId);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }
}
