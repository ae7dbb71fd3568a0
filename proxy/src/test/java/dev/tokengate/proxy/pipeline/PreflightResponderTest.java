package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class PreflightResponderTest {

  private static HttpRequest options(String origin) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS,
        "/bkt/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00");
    if (origin != null) {
      r.headers().set("Origin", origin);
    }
    return r;
  }

  @Test
  void withoutOriginIs400AndWithOriginIs403() {
    EmbeddedChannel ch = new EmbeddedChannel(new PreflightResponder());
    ch.writeInbound(options(null));
    FailedRequest noOrigin = ch.readInbound();
    assertEquals(400, noOrigin.error().status());
    assertEquals("BadRequest", noOrigin.error().code());
    assertEquals("Insufficient information. Origin request header needed.", noOrigin.error().getMessage());
    assertFalse(noOrigin.closeConnection());
    ch.writeInbound(new DefaultLastHttpContent()); // the preflight's (empty) end is dropped
    assertNull(ch.readInbound());
    ch.writeInbound(options("https://example.com"));
    FailedRequest withOrigin = ch.readInbound();
    assertEquals(403, withOrigin.error().status());
    assertEquals("AccessForbidden", withOrigin.error().code());
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[3])));
    assertNull(ch.readInbound());
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void otherMethodsPass() {
    EmbeddedChannel ch = new EmbeddedChannel(new PreflightResponder());
    HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bkt/k");
    ch.writeInbound(get);
    assertSame(get, ch.readInbound());
    assertFalse(ch.finishAndReleaseAll());
  }
}
