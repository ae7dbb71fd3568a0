package dev.tokengate.proxy.backend;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times the waits of one exchange on a backend connection and, when one runs out, fires a {@link
 * BackendStall} event up the pipeline. Only time spent waiting on the backend counts: a client
 * that uploads slowly (nothing of ours is waiting to be written and the request is not complete)
 * or downloads slowly (the forwarder turned reading off) stops the clock. Progress in either
 * direction restarts it, so a slow but steady backend is never cut off; there is no overall deadline.
 *
 * <ul>
 *   <li>A write of ours not yet taken by the backend: {@link BackendStall#REQUEST_BODY} after the idle time.
 *   <li>The request is out whole, no response head yet: {@link BackendStall#RESPONSE_HEAD} after the response time.
 *   <li>A response body is being read: {@link BackendStall#RESPONSE_BODY} after the idle time.
 * </ul>
 *
 * <pre>idle → HttpClientCodec → <b>BackendStallTimer</b> → BackendResponseRelay</pre>
 */
public final class BackendStallTimer extends ChannelDuplexHandler {
  private final long responseNanos;
  private final long idleNanos;

  private ChannelHandlerContext ctx;
  private boolean timing;
  private boolean requestSent;
  private boolean responseHead;
  private int unwritten;
  private long lastProgress;
  private ScheduledFuture<?> check;

  public BackendStallTimer(Duration response, Duration idle) {
    this.responseNanos = response.toNanos();
    this.idleNanos = idle.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** An exchange starts on this connection; called on its event loop. */
  void begin() {
    timing = true;
    requestSent = false;
    responseHead = false;
    lastProgress = System.nanoTime();
    schedule(Math.min(responseNanos, idleNanos));
  }

  /** The exchange is over (complete, failed or abandoned): nothing is timed until the next one. */
  void end() {
    timing = false;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean last = msg instanceof LastHttpContent;
    ChannelPromise tracked = promise.unvoid();
    unwritten++;
    tracked.addListener(f -> {
      unwritten--;
      lastProgress = System.nanoTime();
      if (last && f.isSuccess()) {
        requestSent = true;
      }
    });
    ctx.write(msg, tracked);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    // Reading (re)starts: a pause the client caused is not the backend's silence.
    lastProgress = System.nanoTime();
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastProgress = System.nanoTime();
    if (msg instanceof HttpResponse response && response.status().code() >= 200) {
      responseHead = true;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end();
    ctx.fireChannelInactive();
  }

  private void schedule(long nanos) {
    check = ctx.executor().schedule(this::evaluate, Math.max(nanos, 1_000_000), TimeUnit.NANOSECONDS);
  }

  private void evaluate() {
    check = null;
    if (!timing) {
      return;
    }
    BackendStall waiting = waitingFor();
    long now = System.nanoTime();
    if (waiting == null) {
      lastProgress = now;
      schedule(Math.min(responseNanos, idleNanos));
      return;
    }
    long limit = waiting == BackendStall.RESPONSE_HEAD ? responseNanos : idleNanos;
    long left = limit - (now - lastProgress);
    if (left > 0) {
      schedule(left);
      return;
    }
    timing = false;
    ctx.fireUserEventTriggered(waiting);
  }

  /** What the exchange waits on the backend for right now; null when it waits on the client. */
  private BackendStall waitingFor() {
    boolean reading = ctx.channel().config().isAutoRead();
    if (unwritten > 0) {
      return BackendStall.REQUEST_BODY;
    }
    if (responseHead) {
      return reading ? BackendStall.RESPONSE_BODY : null;
    }
    return requestSent && reading ? BackendStall.RESPONSE_HEAD : null;
  }
}
