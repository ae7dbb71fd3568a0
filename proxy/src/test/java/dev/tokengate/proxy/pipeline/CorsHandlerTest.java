package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tokengate.proxy.cors.BucketCorsStore;
import dev.tokengate.proxy.cors.CorsConfiguration;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preflights answered from the proxy's CORS configurations; grants on actual responses, the backend's dropped. */
class CorsHandlerTest {
  static final String RULES = """
      <CORSConfiguration>
        <CORSRule><AllowedOrigin>*.suffix</AllowedOrigin><AllowedMethod>GET</AllowedMethod>
          <AllowedHeader>x-amz-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds>
        </CORSRule>
        <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule>
      </CORSConfiguration>""";

  @TempDir Path dir;
  EmbeddedStateStore state;
  BucketCorsStore store;

  @BeforeEach
  void open() throws Exception {
    state = EmbeddedStateStore.open(dir);
    store = new BucketCorsStore(state);
    store.put("bkt", CorsConfiguration.parse(RULES.getBytes(StandardCharsets.UTF_8))).join();
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    state.close();
  }

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new CorsHandler(store, new VirtualHosts(List.of("s3.local"))));
  }

  private static HttpRequest request(HttpMethod method, String uri, Map<String, String> headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    r.headers().set("Host", "127.0.0.1:9000");
    headers.forEach(r.headers()::set);
    return r;
  }

  private static FailedRequest refused(EmbeddedChannel ch, HttpRequest preflight) {
    ch.writeInbound(preflight);
    FailedRequest f = ch.readInbound();
    ch.writeInbound(new DefaultLastHttpContent()); // the preflight's (empty) end is dropped
    assertNull(ch.readInbound());
    return f;
  }

  @Test
  void preflightsAreRefusedAsS3RefusesThem() {
    EmbeddedChannel ch = channel();
    FailedRequest noOrigin = refused(ch, request(HttpMethod.OPTIONS, "/bkt/k?X-Amz-Signature=00", Map.of()));
    assertEquals(400, noOrigin.error().status());
    assertEquals("Insufficient information. Origin request header needed.", noOrigin.error().getMessage());
    assertFalse(noOrigin.closeConnection());
    FailedRequest noMethod = refused(ch, request(HttpMethod.OPTIONS, "/bkt/k", Map.of("Origin", "a.suffix")));
    assertEquals(400, noMethod.error().status());
    assertEquals("BadRequest", noMethod.error().code());
    FailedRequest notEnabled = refused(ch, request(HttpMethod.OPTIONS, "/other/k",
        Map.of("Origin", "a.suffix", "Access-Control-Request-Method", "GET")));
    assertEquals(403, notEnabled.error().status());
    assertEquals("CORSResponse: CORS is not enabled for this bucket.", notEnabled.error().getMessage());
    for (Map<String, String> h : List.of(
        Map.of("Origin", "a.other", "Access-Control-Request-Method", "GET"),
        Map.of("Origin", "a.suffix", "Access-Control-Request-Method", "DELETE"),
        Map.of("Origin", "a.suffix", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers",
            "x-amz-date, content-md5"))) {
      FailedRequest notAllowed = refused(ch, request(HttpMethod.OPTIONS, "/bkt/k", h));
      assertEquals(403, notAllowed.error().status(), h.toString());
      assertEquals("AccessForbidden", notAllowed.error().code());
      assertEquals(true, notAllowed.error().getMessage().startsWith("CORSResponse: This CORS request is not allowed."));
    }
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void anAllowedPreflightIsAnsweredWithTheRulesGrant() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(request(HttpMethod.OPTIONS, "/bkt/k?uploads", Map.of("Origin", "app.suffix",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-Amz-Date,x-amz-content-sha256")));
    FullHttpResponse ok = ch.readOutbound();
    assertEquals(200, ok.status().code());
    assertEquals("app.suffix", ok.headers().get("Access-Control-Allow-Origin"));
    assertEquals("GET", ok.headers().get("Access-Control-Allow-Methods"));
    assertEquals("x-amz-date, x-amz-content-sha256", ok.headers().get("Access-Control-Allow-Headers"));
    assertEquals("ETag", ok.headers().get("Access-Control-Expose-Headers"));
    assertEquals("60", ok.headers().get("Access-Control-Max-Age"));
    assertEquals("true", ok.headers().get("Access-Control-Allow-Credentials"));
    ok.release();
    // Virtual-hosted style names the bucket in the Host; a "*" origin is answered as "*".
    HttpRequest hosted = request(HttpMethod.OPTIONS, "/k", Map.of("Origin", "anything",
        "Access-Control-Request-Method", "PUT"));
    hosted.headers().set("Host", "bkt.s3.local");
    ch.writeInbound(hosted);
    FullHttpResponse star = ch.readOutbound();
    assertEquals("*", star.headers().get("Access-Control-Allow-Origin"));
    assertNull(star.headers().get("Access-Control-Allow-Credentials"));
    star.release();
    assertNull(ch.readInbound(), "a preflight goes no further");
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void actualResponsesCarryTheGrantOfTheirOriginAndNeverTheBackends() {
    EmbeddedChannel ch = channel();
    HttpRequest get = request(HttpMethod.GET, "/bkt/k", Map.of("Origin", "app.suffix"));
    ch.writeInbound(get);
    assertSame(get, ch.readInbound());
    FullHttpResponse backend = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
        Unpooled.EMPTY_BUFFER);
    backend.headers().set("Access-Control-Allow-Origin", "evil.example");
    ch.writeOutbound(backend);
    FullHttpResponse out = ch.readOutbound();
    assertEquals("app.suffix", out.headers().get("Access-Control-Allow-Origin"), "errors carry the grant too");
    assertEquals("GET", out.headers().get("Access-Control-Allow-Methods"));
    out.release();

    // DELETE from that origin: no rule allows it, and the backend's header is dropped.
    HttpRequest put = request(HttpMethod.DELETE, "/bkt/k", Map.of("Origin", "app.suffix"));
    ch.writeInbound(put);
    assertSame(put, ch.readInbound());
    FullHttpResponse backend2 = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.EMPTY_BUFFER);
    backend2.headers().set("access-control-allow-origin", "*");
    ch.writeOutbound(backend2);
    FullHttpResponse out2 = ch.readOutbound();
    assertNull(out2.headers().get("Access-Control-Allow-Origin"));
    out2.release();

    // Access-Control-Request-Method on an actual request picks the rule, as S3 does.
    ch.writeInbound(request(HttpMethod.PUT, "/bkt/k", Map.of("Origin", "app.suffix",
        "Access-Control-Request-Method", "GET")));
    ch.<HttpRequest>readInbound();
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN, Unpooled.EMPTY_BUFFER));
    FullHttpResponse out3 = ch.readOutbound();
    assertEquals("app.suffix", out3.headers().get("Access-Control-Allow-Origin"));
    out3.release();
    assertFalse(ch.finishAndReleaseAll());
  }
}
