package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.BackendErrorMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Never relays a backend's error as it came: its body can disclose the backend's access key id,
 * address, canonical request and request ids. An error response the forwarder writes (status 3xx
 * but 304, 4xx, 5xx) is held, its bounded body read by {@link BackendErrorMapper} (Code and Message
 * only), and answered instead with the proxy's own {@code <Error>} as {@link ErrorResponder} renders
 * it: our request id, the request's Resource, and a few S3 headers the client may need. S3 can also
 * report a CopyObject, UploadPartCopy or CompleteMultipartUpload failure in a 200 response whose
 * body is an {@code <Error>}: those (small) 200 bodies are held and read too. Other successful
 * responses stream through untouched.
 *
 * <pre>… → MissingKeyMasker → <b>BackendErrorRewriter</b> → BackendForwarder → ErrorResponder</pre>
 */
public final class BackendErrorRewriter extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(BackendErrorRewriter.class);

  /** S3 error documents are a few hundred bytes; S3Proxy's SignatureDoesNotMatch is about 3 KiB. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  /** Backend headers a relayed error keeps: S3 facts about the object, nothing about the backend. */
  private static final List<String> KEPT_HEADERS =
      List.of("x-amz-delete-marker", "x-amz-version-id", "retry-after", "allow", "content-range");

  /** Operations whose 200 response may carry an {@code <Error>} document instead of a result. */
  private static final java.util.Set<dev.tokengate.policy.s3.S3Operation> ERROR_IN_200 = java.util.EnumSet.of(
      dev.tokengate.policy.s3.S3Operation.COPY_OBJECT, dev.tokengate.policy.s3.S3Operation.UPLOAD_PART_COPY,
      dev.tokengate.policy.s3.S3Operation.COMPLETE_MULTIPART_UPLOAD);

  /** Their result documents are small; a longer body is passed on as it came. */
  static final int MAX_RESULT_BODY = 256 * 1024;

  /**
   * Whether the deployment's region is us-east-1, where S3 answers 200 to CreateBucket of a bucket
   * the account already owns (elsewhere 409 BucketAlreadyOwnedByYou). tokengate is one account, so
   * the backend's BucketAlreadyOwnedByYou always means the caller's account owns the bucket.
   */
  private final boolean usEast1;

  public BackendErrorRewriter(boolean usEast1) {
    this.usEast1 = usEast1;
  }

  /** The held response is a 200 that may still turn out to be an error. */
  private boolean heldSuccess;

  /** The forwarded request whose response is on its way; null between exchanges. */
  private AuthorizedRequest current;

  private HttpResponse heldHead;
  private ByteBuf heldBody;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r) {
      current = r;
    } else if (msg instanceof FailedRequest) {
      // Answered by ErrorResponder: the response that follows is the proxy's own.
      current = null;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (heldHead == null) {
      boolean error = msg instanceof HttpResponse response && isBackendError(response);
      boolean maybeError = !error && msg instanceof HttpResponse response && mayCarryError(response);
      if (!error && !maybeError) {
        if (msg instanceof LastHttpContent) {
          current = null;
        }
        ctx.write(msg, promise);
        return;
      }
      heldHead = (HttpResponse) msg;
      heldSuccess = maybeError;
      heldBody = ctx.alloc().buffer();
    }
    if (heldSuccess) {
      holdSuccess(ctx, msg, promise);
      return;
    }
    if (msg instanceof HttpContent content) {
      ByteBuf bytes = content.content();
      int kept = Math.min(bytes.readableBytes(), MAX_ERROR_BODY - heldBody.readableBytes());
      heldBody.writeBytes(bytes, bytes.readerIndex(), kept);
      content.release();
      if (content instanceof LastHttpContent) {
        ctx.write(rewrite(), promise);
        return;
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
    promise.trySuccess();
  }

  private boolean mayCarryError(HttpResponse response) {
    return current != null && !(response instanceof RenderedError) && response.status().code() == 200
        && ERROR_IN_200.contains(current.operation()) && !HttpMethod.HEAD.equals(current.head().method());
  }

  /** Holds a 200 of {@link #ERROR_IN_200} whole; answers it as an error if it is one, else as it came. */
  private void holdSuccess(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpContent content) {
      ByteBuf bytes = content.content();
      if (heldBody.readableBytes() + bytes.readableBytes() > MAX_RESULT_BODY) {
        // Too long to be an error document: let it stream on as it came.
        HttpResponse head = heldHead;
        ByteBuf held = heldBody;
        heldBody = null;
        heldHead = null;
        heldSuccess = false;
        ctx.write(new io.netty.handler.codec.http.DefaultHttpResponse(head.protocolVersion(), head.status(), head.headers()));
        ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(held));
        if (content instanceof LastHttpContent) {
          current = null;
        }
        ctx.write(msg, promise);
        return;
      }
      heldBody.writeBytes(bytes);
      boolean last = content instanceof LastHttpContent;
      content.release();
      if (!last) {
        promise.trySuccess();
        return;
      }
      byte[] body = ByteBufUtil.getBytes(heldBody);
      if (dev.tokengate.proxy.s3.S3ErrorBody.parse(body) != null) {
        // A failure reported in a 200: answered as the proxy's own error (status 500 unless the
        // document says more), its body never relayed.
        heldSuccess = false;
        ctx.write(rewrite(500, body), promise);
        return;
      }
      io.netty.handler.codec.http.FullHttpResponse full = new io.netty.handler.codec.http.DefaultFullHttpResponse(
          heldHead.protocolVersion(), heldHead.status(), io.netty.buffer.Unpooled.wrappedBuffer(body));
      full.headers().set(heldHead.headers());
      full.headers().remove(io.netty.handler.codec.http.HttpHeaderNames.TRANSFER_ENCODING);
      full.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, body.length);
      release();
      current = null;
      ctx.write(full, promise);
    } else {
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
    }
  }

  private boolean isBackendError(HttpResponse response) {
    return current != null
        && !(response instanceof RenderedError)
        && BackendErrorMapper.isError(response.status().code());
  }

  private FullHttpResponse rewrite() {
    boolean head = HttpMethod.HEAD.equals(current.head().method());
    return rewrite(heldHead.status().code(), head ? null : ByteBufUtil.getBytes(heldBody));
  }

  private FullHttpResponse rewrite(int status, byte[] body) {
    AuthorizedRequest r = current;
    BackendErrorMapper.Mapped mapped = BackendErrorMapper.map(status, body);
    if (usEast1 && r.operation() == dev.tokengate.policy.s3.S3Operation.CREATE_BUCKET
        && "BucketAlreadyOwnedByYou".equals(mapped.error().code())) {
      release();
      current = null;
      return recreated(r);
    }
    if (mapped.warning() != null) {
      LOG.warn("request {}: {}; answering {} {}", r.requestId(), mapped.warning(), mapped.error().status(),
          mapped.error().code());
    } else {
      LOG.debug("request {}: backend error {} {} relayed as the proxy's own", r.requestId(), status, mapped.error().code());
    }
    FullHttpResponse out = ErrorResponder.render(new FailedRequest(r.head(), r.requestId(), Service.S3, mapped.error(), false));
    if (mapped.error().relayed() != null) {
      for (String name : KEPT_HEADERS) {
        String value = heldHead.headers().get(name);
        if (value != null) {
          out.headers().set(name, value);
        }
      }
    }
    release();
    current = null;
    return out;
  }

  /** us-east-1's answer to re-creating one's own bucket: the CreateBucket success, Location and all. */
  private static FullHttpResponse recreated(AuthorizedRequest r) {
    FullHttpResponse ok = new io.netty.handler.codec.http.DefaultFullHttpResponse(
        r.head().protocolVersion(), io.netty.handler.codec.http.HttpResponseStatus.OK);
    ok.headers().set("x-amz-request-id", r.requestId());
    ok.headers().set(io.netty.handler.codec.http.HttpHeaderNames.LOCATION, "/" + r.s3().bucket());
    ok.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, 0);
    LOG.debug("request {}: the backend's BucketAlreadyOwnedByYou answered as us-east-1's 200", r.requestId());
    return ok;
  }

  private void release() {
    if (heldBody != null) {
      heldBody.release();
      heldBody = null;
    }
    heldHead = null;
    heldSuccess = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    current = null;
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }
}
