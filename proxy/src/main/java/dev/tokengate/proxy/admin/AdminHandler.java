package dev.tokengate.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.proxy.metrics.ProxyMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin listener's one handler: {@code GET /metrics} (Prometheus text), {@code /health/live}
 * (the process serves) and {@code /health/ready} ({@link ReadinessProbe}); with a bearer token
 * configured, every path needs {@code Authorization: Bearer TOKEN}.
 *
 * <pre>HttpServerCodec → HttpObjectAggregator → <b>AdminHandler</b></pre>
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ProxyMetrics metrics;
  private final ReadinessProbe readiness;
  /** The expected header value's bytes, or null when no token is configured. */
  private final byte[] expectedAuthorization;

  AdminHandler(ProxyMetrics metrics, ReadinessProbe readiness, String bearerToken) {
    this.metrics = metrics;
    this.readiness = readiness;
    this.expectedAuthorization =
        bearerToken == null ? null : ("Bearer " + bearerToken).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, false, json(HttpResponseStatus.BAD_REQUEST, "error", "malformed request"));
      return;
    }
    if (expectedAuthorization != null && !authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      FullHttpResponse refused = json(HttpResponseStatus.UNAUTHORIZED, "error", "a bearer token is required");
      refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      respond(ctx, keepAlive, refused);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (!head && !HttpMethod.GET.equals(request.method())) {
      FullHttpResponse refused = json(HttpResponseStatus.METHOD_NOT_ALLOWED, "error", "GET or HEAD only");
      refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      respond(ctx, keepAlive, refused);
      return;
    }
    switch (new QueryStringDecoder(request.uri()).path()) {
      case "/metrics" -> respond(ctx, keepAlive, text(metrics.scrape()));
      case "/health/live" -> respond(ctx, keepAlive, json(HttpResponseStatus.OK, "status", "live"));
      case "/health/ready" -> readiness.check(ctx.channel().eventLoop()).addListener(f -> {
        ReadinessProbe.Readiness r = (ReadinessProbe.Readiness) f.getNow();
        respond(ctx, keepAlive, r.ready() ? json(HttpResponseStatus.OK, "status", "ready")
            : json(HttpResponseStatus.SERVICE_UNAVAILABLE, "status", "not ready", "reason", r.reason()));
      });
      default -> respond(ctx, keepAlive, json(HttpResponseStatus.NOT_FOUND, "error",
          "no such path; try /metrics, /health/live, /health/ready"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // an idle or broken scraper connection: nothing to answer
  }

  private boolean authorized(String header) {
    return header != null && MessageDigest.isEqual(expectedAuthorization, header.getBytes(StandardCharsets.US_ASCII));
  }

  private static FullHttpResponse text(String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT);
    return response;
  }

  private static FullHttpResponse json(HttpResponseStatus status, String... fields) {
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      node.put(fields[i], fields[i + 1]);
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer((node + "\n").getBytes(StandardCharsets.UTF_8)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    return response;
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
