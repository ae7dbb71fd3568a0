package dev.tokengate.proxy.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a pooled backend connection: hands what the backend sends to the frontend
 * exchange currently using the connection, and drops (releases) anything that arrives while the
 * connection sits idle in the pool.
 *
 * <p>It also starts and ends the connection's {@link BackendStallTimer} with each exchange, hands
 * its {@link BackendStall} events to the exchange, and tells the {@link BackendCircuit} how each
 * exchange went: a response head is a success; a stall, or a new connection closed before any
 * response, a failure; a kept-alive connection found closed, or an exchange given up, neither.
 *
 * <pre>idle → HttpClientCodec → BackendStallTimer → <b>BackendResponseRelay</b></pre>
 */
public final class BackendResponseRelay extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(BackendResponseRelay.class);

  private final BackendStallTimer timer;
  private final BackendCircuit circuit;
  private BackendListener listener;
  private int exchanges;
  /** This connection's current exchange is the circuit's probe. */
  private boolean probe;
  /** The circuit has heard how the exchange it admitted went (or that it was given up). */
  private boolean told = true;

  public BackendResponseRelay(BackendStallTimer timer, BackendCircuit circuit) {
    this.timer = timer;
    this.circuit = circuit;
  }

  /** Set by the pool when it hands the connection out: the next exchange is the circuit's probe. */
  void admitted(boolean probe) {
    this.probe = probe;
    told = false;
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
    if (!told) {
      told = true;
      circuit.abandoned(probe);
    }
  }

  private void tell(boolean success) {
    if (told) {
      return;
    }
    told = true;
    if (success) {
      circuit.succeeded(probe);
    } else {
      circuit.failed(probe);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse response && response.status().code() >= 200 && listener != null) {
      tell(true); // any answer, an error too: the backend is there
    }
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
      if (exchanges > 1 && !told) {
        // A kept-alive connection the backend closed while idle: normal, not a verdict on the backend.
        told = true;
        circuit.abandoned(probe);
      }
      tell(false);
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
      if (told) {
        circuit.failed(false); // stalled mid-body after a response head
      }
      tell(false);
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
