package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.backend.BackendCircuit;
import dev.tokengate.proxy.backend.BackendListener;
import dev.tokengate.proxy.backend.BackendPool;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import dev.tokengate.proxy.backend.BackendResponseRelay;
import dev.tokengate.proxy.backend.BackendStall;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.PayloadMode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an authorised request to the backend and streams the response back: the request head is
 * rebuilt and re-signed by {@link BackendRequestFactory}, the body flows through as it arrives, with
 * backpressure both ways (a side stops reading while the other side is not writable). Frontend and
 * backend channels share one event loop, so this state needs no synchronisation.
 *
 * <p>Backend faults: before the response has begun, a refused, reset, closed or stalled backend is
 * answered 503 ServiceUnavailable (the connection to the client closed too if its body was not all
 * read); once it has begun, the client's connection is closed, so the client sees a truncated body
 * and never a short object. A pooled connection that turns out dead before any byte of the response
 * is retried once on a fresh connection when that is safe: every body byte sent is still at hand
 * (the first {@value #MAX_REPLAY_BYTES} bytes are kept until the response begins), and the backend
 * cannot have acted on the request (it did not have all of it) or acting twice is harmless (an
 * idempotent method).
 *
 * <pre>… → BackendErrorRewriter → <b>BackendForwarder</b> → ErrorResponder</pre>
 */
public final class BackendForwarder extends ChannelInboundHandlerAdapter implements BackendListener {
  private static final Logger LOG = LoggerFactory.getLogger(BackendForwarder.class);

  /** One decoder chunk: small requests (most PUTs of small objects, every XML body) can be replayed. */
  static final int MAX_REPLAY_BYTES = 64 * 1024;

  /** RFC 9110 §9.2.2. */
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private final BackendPool pool;
  private final BackendRequestFactory requests;

  private ChannelHandlerContext ctx;
  private AuthorizedRequest request;
  private Channel backend;
  /** Body received from the client and not yet written to the backend. */
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  /** Body written to this attempt's backend connection, kept for a replay while {@link #replayable}. */
  private final ArrayDeque<HttpContent> sent = new ArrayDeque<>();
  private long sentBytes;
  private boolean replayable;
  private boolean requestBodyDone;
  private boolean requestWritten;
  private boolean responseStarted;
  private boolean backendReusable;
  private boolean pooledConnection;
  private boolean retried;

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
    retried = false;
    connect(r, false);
  }

  private void connect(AuthorizedRequest r, boolean fresh) {
    requestWritten = false;
    sentBytes = 0;
    ctx.channel().config().setAutoRead(false);
    pool.acquire(ctx.channel().eventLoop(), fresh).addListener((Future<Channel> f) -> connected(r, f));
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
    if (f.cause() instanceof BackendCircuit.Open) {
      // The circuit logged its opening once; a line per refused request would flood the log.
      LOG.debug("request {}: refused, backend circuit open", r.requestId());
      fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE,
          "The backend object store is failing; the request was not sent. Please try again."));
      return;
    }
    if (!f.isSuccess()) {
      LOG.warn("request {}: backend unreachable: {}", r.requestId(), f.cause().toString());
      fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store is unavailable. Please try again."));
      return;
    }
    backend = f.getNow();
    pooledConnection = BackendResponseRelay.of(backend).attach(this);
    // Only a pooled connection is retried, so only then is the body worth keeping.
    replayable = pooledConnection && !retried;
    backend.write(requests.build(r.model(), forwardedHash(r)));
    while (!pending.isEmpty() && backend != null) {
      writeBody(pending.poll());
    }
    if (backend != null) {
      backend.flush();
      ctx.channel().config().setAutoRead(!requestBodyDone && backend.isWritable());
    }
  }

  private void writeBody(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (replayable && !responseStarted && sentBytes + content.content().readableBytes() <= MAX_REPLAY_BYTES) {
      sentBytes += content.content().readableBytes();
      sent.add(content);
      backend.writeAndFlush(content.retainedDuplicate());
    } else {
      releaseSent();
      backend.writeAndFlush(content);
    }
    requestWritten |= last;
    if (last || !backend.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void onBackendRead(Object msg) {
    if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      LOG.warn("request {}: unreadable backend response: {}", request.requestId(), o.decoderResult().cause().toString());
      if (responseStarted) {
        truncate();
      } else {
        fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store sent an unreadable answer. Please try again."));
      }
      return;
    }
    if (msg instanceof HttpResponse response) {
      responseStarted = true;
      releaseSent();
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
    if (!(backendReusable && requestBodyDone && requestWritten)) {
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
      truncate();
    } else if (!retryOnFreshConnection()) {
      LOG.warn("request {}: backend closed the connection before answering", request.requestId());
      fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store closed the connection. Please try again."));
    }
  }

  @Override
  public void onBackendStalled(BackendStall stall) {
    if (request == null) {
      return;
    }
    if (responseStarted) {
      LOG.warn("request {}: the backend {}; closing client connection", request.requestId(), stall.description());
      truncate();
    } else {
      LOG.warn("request {}: the backend {}; answering 503", request.requestId(), stall.description());
      fail(new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store did not answer in time. Please try again."));
    }
  }

  /**
   * The pooled connection died before any byte of the response: a second attempt on a new one,
   * if this is the first and replaying it is safe. The body sent so far goes out again first.
   */
  private boolean retryOnFreshConnection() {
    AuthorizedRequest r = request;
    boolean safe = !requestWritten || IDEMPOTENT.contains(r.head().method());
    if (retried || !pooledConnection || !replayable || !safe) {
      return false;
    }
    retried = true;
    LOG.debug("request {}: pooled backend connection was dead; retrying on a new one", r.requestId());
    dropBackend();
    while (!sent.isEmpty()) {
      pending.addFirst(sent.pollLast());
    }
    connect(r, true);
    return true;
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

  /**
   * Ends the exchange with an error response; the backend connection is not reused. If the client
   * is still sending its body, its connection closes after the answer rather than read the rest.
   */
  private void fail(S3Exception error) {
    AuthorizedRequest r = request;
    boolean bodyUnread = !requestBodyDone;
    abort();
    ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, error, bodyUnread));
    ctx.channel().config().setAutoRead(true);
  }

  /** The response has begun and cannot be completed: the client must see it cut short. */
  private void truncate() {
    abort();
    ctx.close();
  }

  /**
   * Drops the exchange: closing the backend connection before the body is complete makes the
   * backend discard a partial upload, so nothing half-written is committed.
   */
  private void abort() {
    dropBackend();
    clear();
  }

  private void dropBackend() {
    if (backend != null) {
      backend.close();
      pool.release(backend);
      backend = null;
    }
  }

  private void releaseSent() {
    replayable = false;
    while (!sent.isEmpty()) {
      sent.poll().release();
    }
  }

  private void clear() {
    releaseSent();
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
