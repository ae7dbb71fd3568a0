package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.backend.BackendListener;
import dev.tokengate.proxy.backend.BackendPool;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import dev.tokengate.proxy.backend.BackendResponseRelay;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.PayloadMode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an authorised request to the backend and streams the response back: the request head is
 * rebuilt and re-signed by {@link BackendRequestFactory}, the body flows through as it arrives, with
 * backpressure both ways (a side stops reading while the other side is not writable). Frontend and
 * backend channels share one event loop, so this state needs no synchronisation.
 *
 * <pre>… → PayloadVerifier → <b>BackendForwarder</b> → ErrorResponder</pre>
 */
public final class BackendForwarder extends ChannelInboundHandlerAdapter implements BackendListener {
  private static final Logger LOG = LoggerFactory.getLogger(BackendForwarder.class);

  private final BackendPool pool;
  private final BackendRequestFactory requests;

  private ChannelHandlerContext ctx;
  private AuthorizedRequest request;
  private Channel backend;
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  private boolean requestBodyDone;
  private boolean responseStarted;
  private boolean backendReusable;

  public BackendForwarder(BackendPool pool, BackendRequestFactory requests) {
    this.pool = pool;
    this.requests = requests;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r) {
      start(r);
    } else if (msg instanceof HttpContent content) {
      if (request == null) {
        // The rest of a request whose exchange already ended (refused or answered early).
        content.release();
      } else {
        requestBodyDone = content instanceof LastHttpContent;
        if (backend == null) {
          pending.add(content);
        } else {
          writeBody(content);
        }
      }
    } else if (msg instanceof FailedRequest failed) {
      if (request != null) {
        abort();
      }
      ctx.fireChannelRead(failed);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void start(AuthorizedRequest r) {
    if (request != null) {
      // The framing guard holds pipelined requests back; reaching here would be our bug.
      throw new IllegalStateException("BackendForwarder handles one request at a time");
    }
    request = r;
    requestBodyDone = false;
    responseStarted = false;
    backendReusable = false;
    ctx.channel().config().setAutoRead(false);
    pool.acquire(ctx.channel().eventLoop()).addListener((Future<Channel> f) -> connected(r, f));
  }

  private void connected(AuthorizedRequest r, Future<Channel> f) {
    if (request != r) {
      // The frontend went away or the exchange was aborted while connecting.
      if (f.isSuccess()) {
        f.getNow().close();
        pool.release(f.getNow());
      }
      return;
    }
    if (!f.isSuccess()) {
      LOG.warn("request {}: backend unreachable: {}", r.requestId(), f.cause().toString());
      fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store is unavailable. Please try again."));
      return;
    }
    backend = f.getNow();
    BackendResponseRelay.of(backend).attach(this);
    backend.write(requests.build(r.model(), forwardedHash(r)));
    while (!pending.isEmpty()) {
      writeBody(pending.poll());
    }
    backend.flush();
    ctx.channel().config().setAutoRead(!requestBodyDone && backend.isWritable());
  }

  private void writeBody(HttpContent content) {
    if (content instanceof LastHttpContent) {
      backend.writeAndFlush(content);
      ctx.channel().config().setAutoRead(false);
    } else {
      backend.writeAndFlush(content);
      if (!backend.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  @Override
  public void onBackendRead(Object msg) {
    if (msg instanceof HttpResponse response) {
      responseStarted = true;
      backendReusable = HttpUtil.isKeepAlive(response);
      HttpHeadersFilter.forResponse(response.headers(), request.requestId());
      response.headers().remove(HttpHeaderNames.CONNECTION);
    }
    if (msg instanceof LastHttpContent) {
      ctx.writeAndFlush(msg);
      finish();
      return;
    }
    ctx.write(msg);
    ctx.flush();
    if (!ctx.channel().isWritable()) {
      backend.config().setAutoRead(false);
    }
  }

  /** The response is complete: return the connection to the pool and read the next request. */
  private void finish() {
    Channel b = backend;
    BackendResponseRelay.of(b).detach();
    if (!(backendReusable && requestBodyDone)) {
      b.close();
    }
    b.config().setAutoRead(true);
    pool.release(b);
    clear();
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void onBackendInactive() {
    if (request == null) {
      return;
    }
    if (responseStarted) {
      LOG.warn("request {}: backend closed mid-response; closing client connection", request.requestId());
      ctx.close();
      clear();
    } else {
      fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store closed the connection. Please try again."));
    }
  }

  @Override
  public void onBackendWritabilityChanged(boolean writable) {
    if (request != null && !requestBodyDone) {
      ctx.channel().config().setAutoRead(writable);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (backend != null) {
      backend.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (request != null) {
      abort();
    }
    ctx.fireChannelInactive();
  }

  /** Ends the exchange with an error response; the backend connection is not reused. */
  private void fail(S3Exception error) {
    AuthorizedRequest r = request;
    abort();
    ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, error, false));
    ctx.channel().config().setAutoRead(true);
  }

  /**
   * Drops the exchange: closing the backend connection before the body is complete makes the
   * backend discard a partial upload, so nothing half-written is committed.
   */
  private void abort() {
    if (backend != null) {
      BackendResponseRelay.of(backend).detach();
      backend.close();
      pool.release(backend);
    }
    clear();
  }

  private void clear() {
    while (!pending.isEmpty()) {
      ReferenceCountUtil.release(pending.poll());
    }
    request = null;
    backend = null;
  }

  /** The client's signed body hash, passed on so the backend checks the body too, unless we rewrote it. */
  private static String forwardedHash(AuthorizedRequest r) {
    if (r.payloadMode() == PayloadMode.SIGNED && r.verified() != null && !r.bodyRewritten()) {
      return r.verified().authorization().payloadHash();
    }
    return null;
  }
}
