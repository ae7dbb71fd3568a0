package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the client connections open at once. A connection beyond the bound is not served: its
 * first request is answered 503 {@code SlowDown} (which every S3 SDK backs off and retries on) and
 * the connection closes; until that request arrives it costs one socket, held to the header and
 * idle timeouts like any other.
 *
 * <pre>… → HttpFramingValidator → <b>ConnectionLimiter</b> → BodyIdleTimeout → …</pre>
 */
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

  private final AtomicInteger open;
  private final int max;
  private boolean counted;
  private boolean refused;

  /** @param open the count shared by every connection of one listener */
  public ConnectionLimiter(AtomicInteger open, int max) {
    this.open = open;
    this.max = max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    counted = true;
    refused = open.incrementAndGet() > max;
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!refused) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpRequest head = msg instanceof HttpRequest r ? r : null;
    ReferenceCountUtil.release(msg);
    if (head != null) {
      ctx.channel().config().setAutoRead(false);
      ctx.fireChannelRead(new FailedRequest(head, RequestIds.next(), Service.S3,
          new S3Exception(S3Error.SLOW_DOWN), true));
    } else if (msg instanceof FailedRequest failed) {
      ctx.fireChannelRead(failed);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      counted = false;
      open.decrementAndGet();
    }
    ctx.fireChannelInactive();
  }
}
