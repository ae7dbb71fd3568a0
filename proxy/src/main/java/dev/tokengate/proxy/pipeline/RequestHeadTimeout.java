package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slowloris defence: a request head must arrive whole within the header timeout of its first byte,
 * or the client gets 408 {@code RequestTimeout} and the connection closes. Only the decoder knows
 * where a head ends, so this is two handlers sharing one clock: {@link #bytes()} before the codec
 * starts it on the first byte of a head, {@link #heads()} after the codec stops it on the decoded
 * head. A connection with no request under way is left to the idle timeout (keep-alive pools hold
 * connections idle for a minute and more).
 *
 * <pre>IdleConnectionCloser → <b>bytes</b> → HttpServerCodec → <b>heads</b> → PipelinedRequestHolder → …</pre>
 */
public final class RequestHeadTimeout {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHeadTimeout.class);

  private final long timeoutMillis;
  private ChannelHandlerContext headsCtx;
  private ScheduledFuture<?> timer;
  /** Between one request's last content and the next head: bytes that arrive start a head. */
  private boolean awaitingHead = true;
  private int requests;
  private int responses;
  private boolean informational;

  public RequestHeadTimeout(int timeoutSeconds) {
    this.timeoutMillis = TimeUnit.SECONDS.toMillis(timeoutSeconds);
  }

  /** Before the codec: starts the clock on the first byte of a head. */
  public ChannelInboundHandlerAdapter bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && timer == null && msg instanceof ByteBuf buf && buf.isReadable()) {
          timer = ctx.executor().schedule(RequestHeadTimeout.this::expired, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
      }
    };
  }

  /** After the codec: stops the clock on a decoded head; counts final responses written. */
  public ChannelDuplexHandler heads() {
    return new ChannelDuplexHandler() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        headsCtx = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          cancel();
          awaitingHead = false;
          requests++;
        }
        if (msg instanceof LastHttpContent) {
          awaitingHead = true;
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
          informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent && !informational) {
          responses++;
        }
        ctx.write(msg, promise);
      }
    };
  }

  private void expired() {
    timer = null;
    if (!headsCtx.channel().isActive()) {
      return;
    }
    LOG.debug("connection {}: request head not complete within {} ms; closing", headsCtx.channel(), timeoutMillis);
    // Nothing more is read: the bytes after a refused head are not a request.
    headsCtx.channel().config().setAutoRead(false);
    if (requests == responses) {
      headsCtx.fireChannelRead(new FailedRequest(null, RequestIds.next(), Service.S3,
          new S3Exception(S3Error.REQUEST_HEAD_TIMEOUT), true));
    } else {
      // An earlier response is still being written: a second one cannot be put in front of it.
      headsCtx.close();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
