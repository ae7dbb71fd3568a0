package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.proxy.s3.post.PostForm;
import dev.tokengate.proxy.s3.post.PostObjectAuthenticator;
import dev.tokengate.proxy.s3.post.PostUpload;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.UriEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * Browser-form uploads (POST Object), both ways. Inbound, a {@code multipart/form-data} POST to a
 * bucket is read up to its file part ({@link PostForm}, bounded), authenticated from its fields
 * ({@link PostObjectAuthenticator}: signature, policy, conditions) and passed on as the PutObject it
 * stands for ({@link PostObjectRequest}, an {@link AuthenticatedRequest}), followed by the rest of
 * the body from the file's first byte; the request model, the authorizer and the forwarder then
 * treat it as any PUT. Outbound, the PUT's 200 becomes what the form asked for: 204 (default), 200,
 * 201 with a {@code PostResponse} document, or a 303 to {@code success_action_redirect}.
 *
 * <p>The client's {@code Expect: 100-continue} is answered at once: the form's signature is in its
 * body, so nothing can be decided before the body is read.
 *
 * <pre>CorsHandler → <b>PostObjectHandler</b> → RequestAuthenticator → …</pre>
 */
public final class PostObjectHandler extends ChannelDuplexHandler {
  private final PostObjectAuthenticator authenticator;
  private final VirtualHosts virtualHosts;
  private final BodyDiscarder discarder = new BodyDiscarder();

  /** The form being read: its original head, and the body so far. */
  private HttpRequest form;
  private String requestId;
  private String boundary;
  private String bucket;
  private String hostBucket;
  private ByteBuf body;
  private boolean continueSent;
  /** The rest of an accepted form's body streams on. */
  private boolean passing;
  /** The upload whose response is to be rewritten; set while it is in flight. */
  private PostObjectRequest inFlight;
  /** The backend's 200 for {@link #inFlight}, held until its end. */
  private HttpResponse success;
  /** The response to {@link #inFlight} is an error, passed on unchanged to its end. */
  private boolean relaying;

  public PostObjectHandler(PostObjectAuthenticator authenticator, VirtualHosts virtualHosts) {
    this.authenticator = authenticator;
    this.virtualHosts = virtualHosts;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest head && !(msg instanceof StsHttpRequest) && head.method() == HttpMethod.POST) {
      if (start(ctx, head)) {
        return;
      }
    } else if (msg instanceof HttpContent content && body != null) {
      collect(ctx, content);
      return;
    } else if (msg instanceof HttpContent && passing) {
      passing = !(msg instanceof LastHttpContent);
    } else if (discarder.discard(msg)) {
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** @return true when the request is a form upload, now taken over by this handler */
  private boolean start(ChannelHandlerContext ctx, HttpRequest head) {
    String uri = head.uri();
    if (uri.indexOf('?') >= 0) {
      return false;
    }
    String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null || !type.regionMatches(true, 0, "multipart/form-data", 0, "multipart/form-data".length())) {
      return false;
    }
    String pathBucket = uri.startsWith("/") ? uri.substring(1) : uri;
    if (pathBucket.endsWith("/")) {
      pathBucket = pathBucket.substring(0, pathBucket.length() - 1);
    }
    requestId = RequestIds.next();
    try {
      hostBucket = virtualHosts.bucketOf(head.headers().get(HttpHeaderNames.HOST));
      if (hostBucket != null ? !pathBucket.isEmpty() : pathBucket.isEmpty() || pathBucket.indexOf('/') >= 0) {
        return false; // a POST to a key or to the service: not a form upload, the model refuses it
      }
      bucket = hostBucket != null ? hostBucket : pathBucket;
      boundary = PostForm.boundary(type);
      if (boundary == null) {
        return false;
      }
      if (HttpUtil.isTransferEncodingChunked(head) || !head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
        throw new S3Exception(S3Error.MISSING_CONTENT_LENGTH);
      }
    } catch (S3Exception e) {
      fail(ctx, head, e, false);
      return true;
    }
    form = head;
    body = ctx.alloc().buffer();
    if (HttpUtil.is100ContinueExpected(head)) {
      continueSent = true;
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    return true;
  }

  private void collect(ChannelHandlerContext ctx, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    body.writeBytes(content.content());
    content.release();
    PostObjectRequest upload;
    try {
      PostForm read = PostForm.read(body, boundary, last);
      if (read == null) {
        return;
      }
      upload = upload(read);
      Caller caller = authenticator.authenticate(upload.upload(), upload.fileLength());
      body.skipBytes(read.fileDataOffset());
      // Set first: a refusal downstream may be answered before fireChannelRead returns.
      inFlight = upload;
      ctx.fireChannelRead(new AuthenticatedRequest(upload, requestId, Service.S3, caller, PayloadMode.UNSIGNED, null));
    } catch (S3Exception e) {
      HttpRequest head = form;
      releaseBody();
      fail(ctx, head, e, last);
      return;
    }
    ByteBuf rest = body;
    body = null;
    form = null;
    passing = !last;
    ctx.fireChannelRead(last ? new DefaultLastHttpContent(rest) : new DefaultHttpContent(rest));
  }

  private PostObjectRequest upload(PostForm read) throws S3Exception {
    PostUpload upload = PostUpload.of(read, bucket);
    long total = HttpUtil.getContentLength(form, -1L);
    int closeLength = ("\r\n--" + boundary + "--\r\n").length();
    long fileLength = total - read.fileDataOffset() - closeLength;
    if (fileLength < 0) {
      throw new S3Exception(S3Error.MALFORMED_POST_REQUEST);
    }
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.HOST, form.headers().get(HttpHeaderNames.HOST, ""));
    for (Map.Entry<String, String> h : upload.headers().entrySet()) {
      headers.set(h.getKey(), h.getValue());
    }
    headers.set(HttpHeaderNames.CONTENT_LENGTH, fileLength);
    String path = (hostBucket != null ? "" : "/" + bucket) + "/" + UriEncoding.encode(upload.key(), true);
    return new PostObjectRequest(path, headers, upload, fileLength, boundary);
  }

  private void fail(ChannelHandlerContext ctx, HttpRequest head, S3Exception e, boolean bodyDone) {
    boolean close = false;
    if (!bodyDone) {
      close = discarder.start(head) && !continueSent;
    }
    continueSent = false;
    ctx.fireChannelRead(new FailedRequest(head, requestId, Service.S3, e, close));
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (inFlight == null
        || msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      ctx.write(msg, promise);
      return;
    }
    if (msg instanceof HttpResponse response && success == null && !relaying) {
      if (response.status().code() == 200) {
        success = response;
      } else {
        relaying = true; // an error goes to the client as it is
      }
    }
    boolean last = msg instanceof LastHttpContent;
    if (relaying) {
      if (last) {
        relaying = false;
        inFlight = null;
      }
      ctx.write(msg, promise);
      return;
    }
    ReferenceCountUtil.release(msg); // a PUT's 200 has no body worth keeping
    if (!last) {
      promise.trySuccess();
      return;
    }
    PostObjectRequest upload = inFlight;
    HttpResponse ok = success;
    inFlight = null;
    success = null;
    ctx.write(PostResponses.success(upload.upload(), ok, upload.headers().get(HttpHeaderNames.HOST, "")), promise);
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
    form = null;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseBody();
  }
}
