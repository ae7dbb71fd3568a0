package dev.tokengate.proxy.pipeline;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.1 pipelining, answered in order: the handlers after this one see one request at a time.
 * A request that arrives while the previous one's response is still being written is held here,
 * with its body, until that response's last content has been written; reading from the socket
 * pauses meanwhile. A client that pipelines more than {@link #MAX_HELD_REQUESTS} requests gets the
 * current response with {@code Connection: close} and the rest is dropped (clients resend requests
 * a closed connection did not answer).
 *
 * <pre>HttpServerCodec → <b>PipelinedRequestHolder</b> → HttpFramingValidator → …</pre>
 */
public final class PipelinedRequestHolder extends ChannelDuplexHandler {

  static final int MAX_HELD_REQUESTS = 32;

  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private int heldRequests;
  /** A request was passed on and its final response has not been written yet. */
  private boolean inFlight;
  private boolean readSuppressed;
  private boolean overflowed;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (overflowed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    boolean request = msg instanceof HttpRequest;
    if (held.isEmpty() && !(request && inFlight)) {
      inFlight |= request;
      ctx.fireChannelRead(msg);
      return;
    }
    if (request && ++heldRequests > MAX_HELD_REQUESTS) {
      ReferenceCountUtil.release(msg);
      overflow();
      return;
    }
    held.add(msg);
    // Stop the read loop now; further reads are suppressed in read() until the queue drains.
    ctx.channel().config().setAutoRead(false);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (held.isEmpty() && !overflowed) {
      ctx.read();
    } else {
      readSuppressed = true;
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      ctx.write(msg, promise);
      return;
    }
    if (overflowed && msg instanceof HttpResponse response) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (msg instanceof LastHttpContent) {
      promise = promise.unvoid();
      if (overflowed) {
        promise.addListener(ChannelFutureListener.CLOSE);
      } else {
        // Deferred: the handler that wrote this finishes its own bookkeeping before the next request.
        promise.addListener(f -> {
          if (f.isSuccess()) {
            ctx.executor().execute(() -> responseWritten(ctx));
          }
        });
      }
    }
    ctx.write(msg, promise);
  }

  private void responseWritten(ChannelHandlerContext ctx) {
    inFlight = false;
    if (overflowed) {
      // Overflowed after this response's last content went out without the close listener.
      ctx.close();
      return;
    }
    if (held.isEmpty() || !ctx.channel().isActive()) {
      return;
    }
    List<Object> next = new ArrayList<>();
    while (!held.isEmpty() && !(held.peek() instanceof HttpRequest && inFlight)) {
      Object msg = held.poll();
      if (msg instanceof HttpRequest) {
        inFlight = true;
        heldRequests--;
      }
      next.add(msg);
    }
    if (held.isEmpty()) {
      // Resume reading before the request goes on, so a handler that pauses reading for it wins.
      if (!ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      } else if (readSuppressed) {
        ctx.read();
      }
      readSuppressed = false;
    }
    for (Object msg : next) {
      ctx.fireChannelRead(msg);
    }
  }

  private void overflow() {
    overflowed = true;
    releaseHeld();
  }

  private void releaseHeld() {
    while (!held.isEmpty()) {
      ReferenceCountUtil.release(held.poll());
    }
    heldRequests = 0;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }
}
