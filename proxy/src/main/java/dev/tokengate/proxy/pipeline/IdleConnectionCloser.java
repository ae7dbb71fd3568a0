package dev.tokengate.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a client connection on which nothing moved either way for the idle period (set on the
 * {@code IdleStateHandler} before it), so stalled or abandoned clients do not hold connections
 * forever. A long download keeps writing and a long upload keeps reading, so neither is cut.
 *
 * <pre>IdleStateHandler → <b>IdleConnectionCloser</b> → HttpServerCodec → …</pre>
 */
public final class IdleConnectionCloser extends ChannelInboundHandlerAdapter {

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }
}
