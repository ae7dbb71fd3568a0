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
 * it: our request id, the request's Resource, and a few S3 headers the client may need. Successful
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
      if (!(msg instanceof HttpResponse response && isBackendError(response))) {
        if (msg instanceof LastHttpContent) {
          current = null;
        }
        ctx.write(msg, promise);
        return;
      }
      heldHead = response;
      heldBody = ctx.alloc().buffer();
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

  private boolean isBackendError(HttpResponse response) {
    return current != null
        && !(response instanceof RenderedError)
        && BackendErrorMapper.isError(response.status().code());
  }

  private FullHttpResponse rewrite() {
    AuthorizedRequest r = current;
    boolean head = HttpMethod.HEAD.equals(r.head().method());
    byte[] body = head ? null : ByteBufUtil.getBytes(heldBody);
    int status = heldHead.status().code();
    BackendErrorMapper.Mapped mapped = BackendErrorMapper.map(status, body);
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

  private void release() {
    if (heldBody != null) {
      heldBody.release();
      heldBody = null;
    }
    heldHead = null;
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
