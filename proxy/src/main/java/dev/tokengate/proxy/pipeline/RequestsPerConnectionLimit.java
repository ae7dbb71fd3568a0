package dev.tokengate.proxy.pipeline;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Bounds the requests served on one connection: the response to the last allowed request carries
 * {@code Connection: close}, and {@code HttpServerKeepAliveHandler} (before this handler, so it
 * sees the header on the way out) closes the connection after it. Clients open a new connection
 * and resend anything they had pipelined, so one client cannot pin a connection forever.
 *
 * <pre>… → HttpServerKeepAliveHandler → <b>RequestsPerConnectionLimit</b> → StsRequestAggregator → …</pre>
 */
public final class RequestsPerConnectionLimit extends ChannelDuplexHandler {

  private final int max;
  private int requests;

  public RequestsPerConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      requests++;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (requests >= max && msg instanceof HttpResponse response
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ctx.write(msg, promise);
  }
}
