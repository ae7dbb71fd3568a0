package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.cors.BucketCorsStore;
import dev.tokengate.proxy.cors.CorsConfiguration;
import dev.tokengate.proxy.cors.CorsRule;
import dev.tokengate.proxy.s3.BucketName;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.VirtualHosts;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Owns CORS, both ways, from the bucket CORS configurations the proxy keeps ({@link BucketCorsStore};
 * Put/Get/DeleteBucketCors are answered by {@link BucketDocumentHandler}, never forwarded).
 *
 * <p>Inbound, it answers {@code OPTIONS} (a preflight) itself: preflights are never authenticated
 * (a presigned URL fetched with OPTIONS carries a signature for another method), so they are
 * answered here, before the authenticator. As S3 answers: no {@code Origin} or no {@code
 * Access-Control-Request-Method} → 400; a bucket without a configuration → 403 "CORS is not
 * enabled"; no rule allowing the origin, method and requested headers → 403; else 200 with the
 * rule's grant. Outbound, every response to a request that carries an {@code Origin} a rule allows
 * (for its {@code Access-Control-Request-Method}, else its method) gets that rule's headers, errors
 * included, as S3 does; {@code Access-Control-*} headers from the backend are dropped, so only the
 * configuration the proxy holds speaks.
 *
 * <pre>StsRequestAggregator → <b>CorsHandler</b> → PostObjectHandler → RequestAuthenticator → …</pre>
 */
public final class CorsHandler extends ChannelDuplexHandler {
  private final BodyDiscarder body = new BodyDiscarder();
  private final BucketCorsStore store;
  private final VirtualHosts virtualHosts;
  /** The rule and origin the response to the request in flight answers with (one at a time: pipelining is held). */
  private CorsRule granted;
  private String grantedOrigin;

  public CorsHandler(BucketCorsStore store, VirtualHosts virtualHosts) {
    this.store = store;
    this.virtualHosts = virtualHosts;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (body.discard(msg)) {
      return;
    }
    if (msg instanceof HttpRequest request && !(msg instanceof StsHttpRequest)) {
      granted = null;
      grantedOrigin = null;
      String origin = request.headers().get(HttpHeaderNames.ORIGIN);
      if (HttpMethod.OPTIONS.equals(request.method())) {
        boolean close = body.start(request);
        ReferenceCountUtil.release(msg);
        preflight(ctx, request, origin, close);
        return;
      }
      if (origin != null) {
        String method = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD, request.method().name());
        configuration(request).flatMap(c -> c.match(origin, method, List.of())).ifPresent(rule -> {
          granted = rule;
          grantedOrigin = origin;
        });
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void preflight(ChannelHandlerContext ctx, HttpRequest request, String origin, boolean close) {
    String method = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    S3Error refusal;
    if (origin == null) {
      refusal = S3Error.PREFLIGHT_WITHOUT_ORIGIN;
    } else if (method == null) {
      refusal = S3Error.PREFLIGHT_WITHOUT_METHOD;
    } else {
      Optional<CorsConfiguration> configuration = configuration(request);
      List<String> headers = requestedHeaders(request.headers());
      Optional<CorsRule> rule = configuration.flatMap(c -> c.match(origin, method, headers));
      if (rule.isPresent()) {
        FullHttpResponse ok = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
            Unpooled.EMPTY_BUFFER);
        grant(ok.headers(), rule.get(), origin);
        if (!headers.isEmpty()) {
          ok.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", headers));
        }
        if (rule.get().maxAgeSeconds() != null) {
          ok.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, rule.get().maxAgeSeconds());
        }
        ok.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ok.headers().set("x-amz-request-id", RequestIds.next());
        if (close) {
          ok.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        ctx.writeAndFlush(ok);
        return;
      }
      refusal = configuration.isPresent() ? S3Error.CORS_NOT_ALLOWED : S3Error.CORS_NOT_ENABLED;
    }
    ctx.fireChannelRead(new FailedRequest(request, RequestIds.next(), Service.S3, new S3Exception(refusal), close));
  }

  /** The configuration of the bucket the request names (virtual-hosted or path style), if any. */
  private Optional<CorsConfiguration> configuration(HttpRequest request) {
    String bucket;
    try {
      bucket = virtualHosts.bucketOf(request.headers().get(HttpHeaderNames.HOST));
    } catch (S3Exception badHost) {
      return Optional.empty(); // the modeler refuses the request
    }
    if (bucket == null) {
      String uri = request.uri();
      int end = uri.length();
      for (char c : new char[] {'/', '?'}) {
        int i = uri.indexOf(c, 1);
        end = i > 0 ? Math.min(end, i) : end;
      }
      bucket = uri.startsWith("/") ? uri.substring(1, Math.max(1, end)) : "";
    }
    return BucketName.isValid(bucket) ? store.find(bucket) : Optional.empty();
  }

  private static List<String> requestedHeaders(HttpHeaders headers) {
    List<String> out = new ArrayList<>();
    for (String value : headers.getAll(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)) {
      for (String h : value.split(",")) {
        if (!h.isBlank()) {
          out.add(h.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  private static void grant(HttpHeaders h, CorsRule rule, String origin) {
    boolean any = rule.anyOrigin();
    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", rule.allowedMethods()));
    if (!rule.exposeHeaders().isEmpty()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", rule.exposeHeaders()));
    }
    if (!any) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    h.set(HttpHeaderNames.VARY, "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // Our own preflight answers start at this context and never come through here.
    if (msg instanceof HttpResponse response && response.status().code() != 100) {
      HttpHeaders h = response.headers();
      List<String> backend = new ArrayList<>();
      h.names().forEach(n -> {
        if (n.regionMatches(true, 0, "access-control-", 0, "access-control-".length())) {
          backend.add(n);
        }
      });
      backend.forEach(h::remove);
      if (granted != null) {
        grant(h, granted, grantedOrigin);
        granted = null;
        grantedOrigin = null;
      }
    }
    ctx.write(msg, promise);
  }
}
