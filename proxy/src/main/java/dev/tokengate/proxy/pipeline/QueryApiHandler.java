package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.sts.QueryApi;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers authenticated query-protocol calls (STS, and IAM's policy simulator) with the API for
 * their service; S3 requests pass by.
 *
 * <pre>RequestAuthenticator → <b>QueryApiHandler</b> → RequestAuthorizer → …</pre>
 */
public final class QueryApiHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(QueryApiHandler.class);

  private final Map<Service, QueryApi> apis;

  public QueryApiHandler(Map<Service, QueryApi> apis) {
    this.apis = apis;
  }

  /** The transport facts of the call, for the global condition keys of its permission checks. */
  private static CallFacts facts(ChannelHandlerContext ctx, AuthenticatedRequest r) {
    String region = r.verified() == null ? null : r.verified().authorization().credential().scope().region();
    return new CallFacts(ctx.channel().remoteAddress(), false, r.head().headers().get(HttpHeaderNames.USER_AGENT),
        r.head().headers().get(HttpHeaderNames.REFERER), region);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof AuthenticatedRequest r) || r.service() == Service.S3) {
      ctx.fireChannelRead(msg);
      return;
    }
    QueryApi api = apis.get(r.service());
    if (api == null) {
      throw new IllegalStateException("QueryApiHandler has no API for service " + r.service());
    }
    FullHttpRequest request = (FullHttpRequest) r.head();
    try {
      StsRequest call = StsRequest.parse(request);
      byte[] body = api.handle(call, r.caller(), facts(ctx, r), r.requestId());
      LOG.debug("request {}: {} {} by {}", r.requestId(), r.service(), call.action(), r.caller() == null ? "-" : r.caller().arn());
      StsResponder.ok(ctx, r.requestId(), body);
    } catch (StsException e) {
      LOG.debug("request {}: {} error {} {}", r.requestId(), r.service(), e.error().code(), e.getMessage());
      StsResponder.error(ctx, r.service(), r.requestId(), e, false);
    } finally {
      request.release();
    }
  }
}
