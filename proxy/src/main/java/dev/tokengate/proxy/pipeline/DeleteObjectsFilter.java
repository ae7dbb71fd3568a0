package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.ContentMd5;
import dev.tokengate.proxy.s3.request.DeleteObjectsBody;
import dev.tokengate.proxy.s3.request.DeleteResultBody;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Authorizes DeleteObjects key by key, as AWS does, and owns both directions of it. Inbound: the
 * body (≤ 1000 keys) is read whole and parsed strictly, each key is checked, and the backend gets a
 * body re-serialised from the allowed entries only (new Content-MD5 and length; the client's
 * checksums, which covered the original, are dropped). Outbound: the backend's {@code
 * <DeleteResult>} is read and written again with an {@code AccessDenied} {@code <Error>} for every
 * refused key. When no key is allowed the backend is not called at all.
 *
 * <pre>… → AwsChunkedDecoder → <b>DeleteObjectsFilter</b> → BucketDocumentHandler → … → BackendForwarder</pre>
 */
public final class DeleteObjectsFilter extends ChannelDuplexHandler {
  private static final int MAX_BODY = 2 * 1024 * 1024;
  private static final int MAX_RESULT = 4 * 1024 * 1024;

  private AuthorizedRequest current;
  private ByteBuf body;
  private boolean tooLarge;

  /** Errors to merge into the backend's answer to the request in flight; null when none. */
  private List<DeleteResultBody.Failed> pendingErrors;
  private String pendingRequestId;
  private HttpResponse heldResponse;
  private ByteBuf heldBody;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r && r.operation() == S3Operation.DELETE_OBJECTS && r.keyPermission() != null) {
      current = r;
      body = ctx.alloc().buffer();
    } else if (msg instanceof HttpContent content && current != null) {
      if (body.readableBytes() + content.content().readableBytes() <= MAX_BODY) {
        body.writeBytes(content.content());
      } else {
        tooLarge = true;
      }
      boolean last = content instanceof LastHttpContent;
      content.release();
      if (last) {
        AuthorizedRequest r = current;
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        boolean overflow = tooLarge;
        releaseRequest();
        try {
          if (overflow) {
            throw new S3Exception(S3Error.MALFORMED_XML, "A DeleteObjects body may list at most 1000 keys.");
          }
          decide(ctx, r, bytes);
        } catch (S3Exception e) {
          ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
        }
      }
    } else {
      if (msg instanceof FailedRequest) {
        releaseRequest();
        releaseResponse();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private void decide(ChannelHandlerContext ctx, AuthorizedRequest r, byte[] bytes) throws S3Exception {
    ContentMd5.verify(r.model(), bytes);
    DeleteObjectsBody parsed = DeleteObjectsBody.parse(bytes);
    List<DeleteObjectsBody.Entry> allowed = new ArrayList<>();
    List<DeleteResultBody.Failed> denied = new ArrayList<>();
    for (DeleteObjectsBody.Entry e : parsed.entries()) {
      String denial = r.keyPermission().denial(e.key(), e.versionId());
      if (denial == null) {
        allowed.add(e);
      } else {
        denied.add(new DeleteResultBody.Failed(e.key(), e.versionId(), "AccessDenied", denial));
      }
    }
    if (allowed.isEmpty()) {
      byte[] result = new DeleteResultBody(List.of(), denied).serialize();
      ctx.writeAndFlush(ok(r.requestId(), result));
      return;
    }
    byte[] reduced = parsed.serialize(allowed);
    S3RequestModel model = r.model().withBody(
        reduced.length,
        name -> name.startsWith("x-amz-checksum-") || name.equals("x-amz-sdk-checksum-algorithm"),
        Map.of("content-md5", ContentMd5.of(reduced)));
    if (!denied.isEmpty()) {
      pendingErrors = denied;
      pendingRequestId = r.requestId();
    }
    ctx.fireChannelRead(r.withModel(model));
    ctx.fireChannelRead(new DefaultLastHttpContent(Unpooled.wrappedBuffer(reduced)));
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (pendingErrors == null) {
      ctx.write(msg, promise);
      return;
    }
    if (msg instanceof HttpResponse response && heldResponse == null) {
      if (response.status().code() != 200) {
        // An error for the whole request: passed on as is (already the proxy's own error).
        clearPending();
        ctx.write(msg, promise);
        return;
      }
      heldResponse = response;
      heldBody = ctx.alloc().buffer();
    }
    if (heldResponse != null && msg instanceof HttpContent content) {
      if (heldBody.readableBytes() + content.content().readableBytes() <= MAX_RESULT) {
        heldBody.writeBytes(content.content());
      }
      boolean last = content instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      promise.setSuccess();
      if (last) {
        answerMerged(ctx);
      }
      return;
    }
    if (heldResponse != null) {
      // The head alone (the body follows as HttpContent).
      promise.setSuccess();
      return;
    }
    ctx.write(msg, promise);
  }

  private void answerMerged(ChannelHandlerContext ctx) {
    byte[] backendBody = new byte[heldBody.readableBytes()];
    heldBody.readBytes(backendBody);
    HttpResponse head = heldResponse;
    List<DeleteResultBody.Failed> denied = pendingErrors;
    String requestId = pendingRequestId;
    releaseResponse();
    DeleteResultBody result = DeleteResultBody.parse(backendBody);
    if (result == null) {
      ErrorResponder.respond(ctx, new FailedRequest(null, requestId, Service.S3,
          new S3Exception(S3Error.INTERNAL_ERROR), false));
      return;
    }
    FullHttpResponse merged = ok(requestId, result.withErrors(denied).serialize());
    String backendId = head.headers().get("x-amz-request-id");
    if (backendId != null) {
      merged.headers().set("x-amz-request-id", backendId);
    }
    ctx.writeAndFlush(merged);
  }

  private static FullHttpResponse ok(String requestId, byte[] xml) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(xml));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, xml.length);
    response.headers().set("x-amz-request-id", requestId);
    return response;
  }

  private void releaseRequest() {
    if (body != null) {
      body.release();
      body = null;
    }
    current = null;
    tooLarge = false;
  }

  private void clearPending() {
    pendingErrors = null;
    pendingRequestId = null;
  }

  private void releaseResponse() {
    if (heldBody != null) {
      heldBody.release();
      heldBody = null;
    }
    heldResponse = null;
    clearPending();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseRequest();
    releaseResponse();
    ctx.fireChannelInactive();
  }
}
