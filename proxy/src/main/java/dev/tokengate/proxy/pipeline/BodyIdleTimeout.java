package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body that stops arriving for the body idle timeout ends the exchange: 400 {@code
 * RequestTimeout} (S3's answer) and the connection closes. The failure travels down the pipeline,
 * so the forwarder aborts the backend request and nothing partial is stored. Time during which the
 * proxy itself stopped reading (backpressure, waiting for the backend) is not held against the
 * client. When a response has already begun (a request refused early), the connection just closes.
 *
 * <pre>… → HttpFramingValidator → <b>BodyIdleTimeout</b> → HttpServerKeepAliveHandler → …</pre>
 */
public final class BodyIdleTimeout extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(BodyIdleTimeout.class);

  private final long timeoutNanos;
  private HttpRequest current;
  private long lastRead;
  private boolean responseStarted;
  private ScheduledFuture<?> timer;

  public BodyIdleTimeout(int timeoutSeconds) {
    this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && !(msg instanceof LastHttpContent)) {
      current = request;
      responseStarted = false;
      lastRead = System.nanoTime();
      schedule(ctx, timeoutNanos);
    } else if (msg instanceof LastHttpContent) {
      stop();
    } else if (msg instanceof HttpContent) {
      lastRead = System.nanoTime();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (current != null && msg instanceof HttpResponse response
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      responseStarted = true;
    }
    ctx.write(msg, promise);
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    timer = null;
    if (current == null || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (!ctx.channel().config().isAutoRead()) {
      // The proxy is not reading: the client cannot be idle on our account.
      lastRead = now;
    }
    long idle = now - lastRead;
    if (idle < timeoutNanos) {
      schedule(ctx, timeoutNanos - idle);
      return;
    }
    HttpRequest head = current;
    stop();
    LOG.debug("connection {}: no request body for {} s; closing", ctx.channel(), TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
    ctx.channel().config().setAutoRead(false);
    if (responseStarted) {
      ctx.close();
    } else {
      ctx.fireChannelRead(new FailedRequest(head, RequestIds.next(), Service.S3,
          new S3Exception(S3Error.REQUEST_TIMEOUT), true));
    }
  }

  private void stop() {
    current = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }
}
