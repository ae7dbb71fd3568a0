package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.AuthorizationParser;
import dev.tokengate.sigv4.ParsedAuthorization;
import dev.tokengate.sigv4.SigV4Authorization;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;

/**
 * Recognises STS calls and buffers each into one {@code FullHttpRequest}: their signature covers a
 * hash of the form body that clients do not send, so the body must be whole before verification.
 * Bodies are small (AssumeRoleWithSAML, the largest, ≤ 100 000 characters); anything over the bound
 * ({@code limits.maxQueryFormBytes}) is refused with 413 {@code RequestEntityTooLarge} in the
 * service's error format (through {@link ErrorResponder}), the rest of its body dropped and the
 * connection closed. S3 requests pass untouched and keep streaming.
 *
 * <pre>HttpServerKeepAliveHandler → <b>StsRequestAggregator</b> → CorsHandler → RequestAuthenticator → …</pre>
 */
public final class StsRequestAggregator extends ChannelInboundHandlerAdapter {

  static final int MAX_BODY = 256 * 1024;

  private final int maxBody;
  private HttpRequest head;
  private Service headService;
  private CompositeByteBuf body;
  /** The rest of a refused call's body, dropped until its last chunk. */
  private final BodyDiscarder refusedBody = new BodyDiscarder();

  /** The default bound, {@link #MAX_BODY}. */
  public StsRequestAggregator() {
    this(MAX_BODY);
  }

  public StsRequestAggregator(int maxBody) {
    this.maxBody = maxBody;
  }

  /**
   * Which API a request is for (null: S3), decided once here and carried on the message:
   *
   * <ol>
   *   <li>A SigV4 signature (header or presigned query) names its service in its parsed credential
   *       scope: {@code sts} → STS, {@code iam} → IAM, any other → S3 (which refuses a foreign scope).
   *   <li>Without one (anonymous, SigV2, or an authorization the authenticator will refuse): an
   *       {@code iam.*} Host → IAM, an {@code sts.*} Host → STS, a form POST to {@code /} or a
   *       {@code /} query with an {@code Action} parameter → STS.
   * </ol>
   *
   * Query APIs live only at {@code /} (or on their own Host): every other path is S3's, unparsed.
   */
  static Service serviceOf(HttpRequest request) {
    String host = request.headers().get(HttpHeaderNames.HOST, "").toLowerCase(Locale.ROOT);
    boolean iamHost = host.startsWith("iam.");
    boolean stsHost = host.startsWith("sts.");
    String uri = request.uri();
    boolean root = uri.equals("/") || uri.startsWith("/?");
    if (!root && !iamHost && !stsHost) {
      return null;
    }
    ParsedAuthorization parsed;
    try {
      parsed = AuthorizationParser.parse(RequestAuthenticator.toSignedRequest(request));
    } catch (AuthenticationException refusedLater) {
      parsed = null;
    }
    if (parsed instanceof SigV4Authorization v4) {
      return switch (v4.credential().scope().service()) {
        case "sts" -> Service.STS;
        case "iam" -> Service.IAM;
        default -> null;
      };
    }
    if (iamHost) {
      return Service.IAM;
    }
    if (stsHost) {
      return Service.STS;
    }
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
    boolean form = HttpMethod.POST.equals(request.method()) && contentType.startsWith("application/x-www-form-urlencoded");
    return form || hasActionParameter(uri) ? Service.STS : null;
  }

  private static boolean hasActionParameter(String uri) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return false;
    }
    for (String parameter : uri.substring(q + 1).split("&")) {
      if (parameter.equals("Action") || parameter.startsWith("Action=")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refusedBody.discard(msg)) {
      return;
    }
    Service service = msg instanceof HttpRequest request ? serviceOf(request) : null;
    if (msg instanceof HttpRequest request && service != null) {
      if (HttpUtil.getContentLength(request, 0L) > maxBody) {
        refusedBody.start(request); // the connection closes after the answer either way
        ReferenceCountUtil.release(msg);
        tooLarge(ctx, request, service);
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
    if (body.readableBytes() > maxBody) {
      HttpRequest request = head;
      Service service = headService;
      releaseBody();
      if (!(content instanceof LastHttpContent)) {
        refusedBody.start(request);
      }
      tooLarge(ctx, request, service);
      return;
    }
    if (content instanceof LastHttpContent) {
      StsHttpRequest full = new StsHttpRequest(head, body, ((LastHttpContent) content).trailingHeaders(), headService);
      head = null;
      body = null;
      ctx.fireChannelRead(full);
    }
  }

  private void tooLarge(ChannelHandlerContext ctx, HttpRequest request, Service service) {
    S3Exception error = new S3Exception(S3Error.REQUEST_ENTITY_TOO_LARGE,
        S3Error.REQUEST_ENTITY_TOO_LARGE.defaultMessage() + " The maximum is " + maxBody + " bytes.");
    ctx.fireChannelRead(new FailedRequest(request, RequestIds.next(), service, error, true));
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
