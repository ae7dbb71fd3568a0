package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers S3 {@code OPTIONS} requests (CORS preflight), which are never authenticated, so they are
 * answered here, before the authenticator reads a signature they do not carry (a presigned URL
 * fetched with OPTIONS carries one for another method). As S3 answers them on a bucket without a
 * CORS configuration: no {@code Origin} → 400 "Insufficient information. Origin request header
 * needed."; with one → 403 {@code AccessForbidden}. The proxy keeps no CORS configuration of its
 * own (PutBucketCors is forwarded to the backend, which decides), so every preflight is refused:
 * browsers then do not send the cross-origin request.
 *
 * <pre>StsRequestAggregator → <b>PreflightResponder</b> → RequestAuthenticator → …</pre>
 */
public final class PreflightResponder extends ChannelInboundHandlerAdapter {
  private final BodyDiscarder body = new BodyDiscarder();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (body.discard(msg)) {
      return;
    }
    if (msg instanceof HttpRequest request && HttpMethod.OPTIONS.equals(request.method())
        && !(msg instanceof StsHttpRequest)) {
      boolean close = body.start(request);
      ReferenceCountUtil.release(msg);
      S3Exception error = request.headers().contains(HttpHeaderNames.ORIGIN)
          ? new S3Exception(S3Error.CORS_NOT_ENABLED)
          : new S3Exception(S3Error.PREFLIGHT_WITHOUT_ORIGIN);
      ctx.fireChannelRead(new FailedRequest(request, RequestIds.next(), Service.S3, error, close));
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
