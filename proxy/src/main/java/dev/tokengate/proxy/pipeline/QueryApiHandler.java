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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    return new CallFacts(ctx.channel().remoteAddress(), ProxyInitializer.overTls(ctx.channel()),
        r.head().headers().get(HttpHeaderNames.USER_AGENT),
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
    StsRequest call;
    try {
      call = StsRequest.parse(request);
    } catch (StsException e) {
      LOG.debug("request {}: {} error {} {}", r.requestId(), r.service(), e.error().code(), e.getMessage());
      StsResponder.error(ctx, r.service(), r.requestId(), e, false);
      return;
    } finally {
      request.release(); // the parsed call holds copies
    }
    CompletableFuture<byte[]> answer = answer(api, call, ctx, r);
    if (answer.isDone()) {
      respond(ctx, r, call, answer);
    } else {
      // Completed on another thread (an issuer's key fetch): the response is written on the loop.
      answer.whenComplete((body, error) -> ctx.executor().execute(() -> respond(ctx, r, call, answer)));
    }
  }

  private static CompletableFuture<byte[]> answer(QueryApi api, StsRequest call, ChannelHandlerContext ctx,
      AuthenticatedRequest r) {
    try {
      return api.handleAsync(call, r.caller(), facts(ctx, r), r.requestId());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void respond(ChannelHandlerContext ctx, AuthenticatedRequest r, StsRequest call,
      CompletableFuture<byte[]> answer) {
    Throwable error = null;
    byte[] body = null;
    try {
      body = answer.join();
    } catch (CompletionException | CancellationException e) {
      error = e.getCause() == null ? e : e.getCause();
    }
    if (error == null) {
      LOG.debug("request {}: {} {} by {}", r.requestId(), r.service(), call.action(), r.caller() == null ? "-" : r.caller().arn());
      StsResponder.ok(ctx, r.requestId(), body);
    } else if (error instanceof StsException e) {
      LOG.debug("request {}: {} error {} {}", r.requestId(), r.service(), e.error().code(), e.getMessage());
      StsResponder.error(ctx, r.service(), r.requestId(), e, false);
    } else {
      ctx.fireExceptionCaught(error); // as a synchronous failure always went
    }
  }
}
