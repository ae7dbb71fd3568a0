package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import dev.tokengate.proxy.s3.request.S3RequestModelParser;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Parses each authenticated S3 request once into its {@link S3RequestModel}: what S3 would read
 * from the signed bytes, or a refusal (400 and S3's code) when that is not unambiguous. Emits a
 * {@link ModeledRequest} or a {@link FailedRequest}, then drops the refused request's body.
 *
 * <pre>QueryApiHandler → <b>S3RequestModeler</b> → RequestAuthorizer → …</pre>
 */
public final class S3RequestModeler extends ChannelInboundHandlerAdapter {
  private final VirtualHosts virtualHosts;
  private final BodyDiscarder body = new BodyDiscarder();

  public S3RequestModeler(VirtualHosts virtualHosts) {
    this.virtualHosts = virtualHosts;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthenticatedRequest r && r.service() == Service.S3) {
      HttpRequest head = r.head();
      S3RequestModel model;
      try {
        String hostBucket = virtualHosts.bucketOf(head.headers().get(HttpHeaderNames.HOST));
        boolean awsChunked = r.payloadMode() != null && r.payloadMode().isAwsChunked();
        model = S3RequestModelParser.parse(head.method().name(), head.uri(), head.headers(), hostBucket, awsChunked);
      } catch (S3Exception e) {
        boolean close = body.start(head);
        ctx.fireChannelRead(new FailedRequest(head, r.requestId(), Service.S3, e, close));
        return;
      }
      ctx.fireChannelRead(new ModeledRequest(r, model));
    } else if (!body.discard(msg)) {
      ctx.fireChannelRead(msg);
    }
  }
}
