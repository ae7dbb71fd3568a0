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
 * <p>It also starts and ends the connection's {@link BackendStallTimer} with each exchange, and
 * hands its {@link BackendStall} events to the exchange.
 *
 * <pre>idle → HttpClientCodec → BackendStallTimer → <b>BackendResponseRelay</b></pre>
 */
public final class BackendResponseRelay extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(BackendResponseRelay.class);

  private final BackendStallTimer timer;
  private BackendListener listener;
  private int exchanges;

  public BackendResponseRelay(BackendStallTimer timer) {
    this.timer = timer;
  }

  public static BackendResponseRelay of(Channel channel) {
    BackendResponseRelay relay = channel.pipeline().get(BackendResponseRelay.class);
    if (relay == null) {
      throw new IllegalStateException("a pooled backend channel must end in a BackendResponseRelay");
    }
    return relay;
  }

  /**
   * Starts an exchange on this connection.
   *
   * @return whether the connection served an exchange before (so it may have died idle in the pool)
   */
  public boolean attach(BackendListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("a backend connection serves one exchange at a time");
    }
    this.listener = listener;
    timer.begin();
    return exchanges++ > 0;
  }

  public void detach() {
    listener = null;
    timer.end();
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
    if (evt instanceof BackendStall stall) {
      BackendListener current = listener;
      listener = null;
      ctx.close();
      if (current != null) {
        current.onBackendStalled(stall);
      }
    } else if (evt instanceof IdleStateEvent && listener == null) {
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
