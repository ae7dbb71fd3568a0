package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import dev.tokengate.proxy.sts.StsService;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers authenticated STS calls with the {@link StsService}; S3 requests pass by.
 *
 * <pre>RequestAuthenticator → <b>StsHandler</b> → RequestAuthorizer → …</pre>
 */
public final class StsHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(StsHandler.class);

  private final StsService sts;

  public StsHandler(StsService sts) {
    this.sts = sts;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof AuthenticatedRequest r) || r.service() != Service.STS) {
      ctx.fireChannelRead(msg);
      return;
    }
    FullHttpRequest request = (FullHttpRequest) r.head();
    try {
      StsRequest call = StsRequest.parse(request);
      byte[] body = sts.handle(call, r.caller(), r.requestId());
      LOG.debug("request {}: STS {} by {}", r.requestId(), call.action(), r.caller() == null ? "-" : r.caller().arn());
      StsResponder.ok(ctx, r.requestId(), body);
    } catch (StsException e) {
      LOG.debug("request {}: STS error {} {}", r.requestId(), e.error().code(), e.getMessage());
      StsResponder.error(ctx, r.requestId(), e, false);
    } finally {
      request.release();
    }
  }
}
