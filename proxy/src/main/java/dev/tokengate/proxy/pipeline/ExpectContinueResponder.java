package dev.tokengate.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Answers {@code Expect: 100-continue} only once a request is authenticated and authorised, so a
 * refused upload is answered with its final error before the client sends a byte of body (unlike
 * Netty's {@code HttpServerExpectContinueHandler}, which would accept first).
 *
 * <pre>RequestAuthenticator → … → <b>ExpectContinueResponder</b> → PayloadVerifier → …</pre>
 */
public final class ExpectContinueResponder extends ChannelInboundHandlerAdapter {

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r && HttpUtil.is100ContinueExpected(r.head())) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    ctx.fireChannelRead(msg);
  }
}
