package dev.tokengate.proxy.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a pooled backend connection: hands what the backend sends to the frontend
 * exchange currently using the connection, and drops (releases) anything that arrives while the
 * connection sits idle in the pool.
 *
 * <pre>idle → HttpClientCodec → BackendResponseRelay</pre>
 */
public final class BackendResponseRelay extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(BackendResponseRelay.class);

  private BackendListener listener;

  public static BackendResponseRelay of(Channel channel) {
    BackendResponseRelay relay = channel.pipeline().get(BackendResponseRelay.class);
    if (relay == null) {
      throw new IllegalStateException("a pooled backend channel must end in a BackendResponseRelay");
    }
    return relay;
  }

  public void attach(BackendListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("a backend connection serves one exchange at a time");
    }
    this.listener = listener;
  }

  public void detach() {
    listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener != null) {
      listener.onBackendRead(msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    BackendListener current = listener;
    listener = null;
    if (current != null) {
      current.onBackendInactive();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onBackendWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && listener == null) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("backend connection {} failed", ctx.channel(), cause);
    ctx.close();
  }
}
