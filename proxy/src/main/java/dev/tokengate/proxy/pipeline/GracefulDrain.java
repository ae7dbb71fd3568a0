package dev.tokengate.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/**
 * Graceful shutdown of client connections: once {@link Drain#begin} is called (the listeners
 * already closed, so nothing new arrives), an idle connection closes at once, and one with
 * requests in flight answers them with {@code Connection: close} and closes after the last
 * response is written. {@link Drain#await} waits for every connection to be gone, up to a
 * deadline; what is left then is cut by the caller.
 *
 * <p>One job per direction: a request head in counts one, the end of a response out counts it
 * back. Sits right after the HTTP codec, so every response (ours or the backend's) passes it.
 *
 * <pre>HttpServerCodec → … → <b>GracefulDrain</b> → … → ErrorResponder</pre>
 */
public final class GracefulDrain extends ChannelDuplexHandler {
  private static final AttributeKey<GracefulDrain> KEY = AttributeKey.valueOf("tokengate.drain");

  /** The connections of one server and whether they are being drained. */
  public static final class Drain {
    private final ChannelGroup channels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    /** Stop keeping connections alive: idle ones close now, busy ones after their last response. */
    public void begin() {
      draining = true;
      for (Channel ch : channels) {
        ch.eventLoop().execute(() -> {
          GracefulDrain d = ch.attr(KEY).get();
          if (d == null || d.inFlight == 0) {
            ch.close();
          }
        });
      }
    }

    /** @return true when every connection closed within {@code deadline} */
    public boolean await(Duration deadline) throws InterruptedException {
      long end = System.nanoTime() + deadline.toNanos();
      while (!channels.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      return channels.isEmpty();
    }

    /** The connections still open (the caller closes them once the deadline has passed). */
    public ChannelGroup channels() {
      return channels;
    }

    public boolean draining() {
      return draining;
    }
  }

  private final Drain drain;
  private int inFlight;

  public GracefulDrain(Drain drain) {
    this.drain = drain;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().attr(KEY).set(this);
    drain.channels.add(ctx.channel());
    if (drain.draining) { // accepted in the instant before the listener closed
      ctx.channel().eventLoop().execute(() -> {
        if (inFlight == 0) {
          ctx.close();
        }
      });
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      inFlight++;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // A 100 Continue is no answer: the request it invites is still in flight.
    boolean informational = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (msg instanceof HttpResponse response && !informational && drain.draining) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (!(msg instanceof LastHttpContent) || informational || inFlight == 0) {
      ctx.write(msg, promise);
      return;
    }
    inFlight--;
    if (inFlight > 0 || !drain.draining) {
      ctx.write(msg, promise);
      return;
    }
    ChannelPromise written = promise.unvoid();
    ctx.write(msg, written);
    written.addListener(ChannelFutureListener.CLOSE);
  }
}
