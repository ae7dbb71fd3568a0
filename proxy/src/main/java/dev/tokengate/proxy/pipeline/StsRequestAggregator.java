package dev.tokengate.proxy.pipeline;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Locale;

/**
 * Recognises STS calls and buffers each into one {@code FullHttpRequest}: their signature covers a
 * hash of the form body that clients do not send, so the body must be whole before verification.
 * Bodies are small (AssumeRoleWithSAML, the largest, ≤ 100 000 characters); anything over the bound
 * is refused. S3 requests pass untouched and keep streaming.
 *
 * <pre>HttpServerKeepAliveHandler → <b>StsRequestAggregator</b> → RequestAuthenticator → …</pre>
 */
public final class StsRequestAggregator extends ChannelInboundHandlerAdapter {

  static final int MAX_BODY = 256 * 1024;

  private HttpRequest head;
  private Service headService;
  private CompositeByteBuf body;

  /**
   * IAM: signed for service iam or addressed to an iam.* host. STS: signed for service sts, an
   * sts.* host, or any other query-protocol call to "/". Null for S3.
   */
  static Service serviceOf(HttpRequest request) {
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    String host = request.headers().get(HttpHeaderNames.HOST, "").toLowerCase(Locale.ROOT);
    if (authorization.contains("/iam/aws4_request") || host.startsWith("iam.")) {
      return Service.IAM;
    }
    String uri = request.uri();
    if (authorization.contains("/sts/aws4_request") || uri.contains("%2Fsts%2Faws4_request") || host.startsWith("sts.")) {
      return Service.STS;
    }
    boolean root = uri.equals("/") || uri.startsWith("/?");
    if (!root || authorization.contains("/s3/aws4_request")) {
      return null;
    }
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
    boolean query =
        (HttpMethod.POST.equals(request.method()) && contentType.startsWith("application/x-www-form-urlencoded"))
            || uri.startsWith("/?Action=")
            || uri.contains("&Action=");
    return query ? Service.STS : null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Service service = msg instanceof HttpRequest request ? serviceOf(request) : null;
    if (msg instanceof HttpRequest request && service != null) {
      if (HttpUtil.getContentLength(request, 0L) > MAX_BODY) {
        tooLarge(ctx, request, msg);
        return;
      }
      head = request;
      headService = service;
      body = ctx.alloc().compositeBuffer();
      if (HttpUtil.is100ContinueExpected(request)) {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
      }
      if (msg instanceof HttpContent content) {
        append(ctx, content);
      }
    } else if (msg instanceof HttpContent content && head != null) {
      append(ctx, content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void append(ChannelHandlerContext ctx, HttpContent content) {
    body.addComponent(true, content.content().retain());
    content.release();
    if (body.readableBytes() > MAX_BODY) {
      HttpRequest request = head;
      releaseBody();
      tooLarge(ctx, request, null);
      return;
    }
    if (content instanceof LastHttpContent) {
      StsHttpRequest full = new StsHttpRequest(head, body, ((LastHttpContent) content).trailingHeaders(), headService);
      head = null;
      body = null;
      ctx.fireChannelRead(full);
    }
  }

  private static void tooLarge(ChannelHandlerContext ctx, HttpRequest request, Object msg) {
    io.netty.util.ReferenceCountUtil.release(msg);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
    head = null;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    ctx.fireChannelInactive();
  }
}
