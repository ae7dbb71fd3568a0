package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The query-protocol parser refuses what does not decode as a client error. */
class StsRequestTest {

  private static FullHttpRequest form(String uri, String body) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set("content-type", "application/x-www-form-urlencoded; charset=utf-8");
    return r;
  }

  private static void assertMalformed(FullHttpRequest request) {
    try {
      StsException e = assertThrows(StsException.class, () -> StsRequest.parse(request));
      assertEquals(StsError.INVALID_PARAMETER_VALUE, e.error());
      assertEquals(400, e.error().status());
      assertEquals("The query string contains a syntax error.", e.getMessage());
    } finally {
      request.release();
    }
  }

  @Test
  void badEscapeInTheFormBodyIsAClientError() {
    assertMalformed(form("/", "Action=%z"));
    assertMalformed(form("/", "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=%"));
  }

  @Test
  void badEscapeInTheQueryIsAClientError() {
    assertMalformed(form("/?Action=%zz", ""));
  }

  @Test
  void wellFormedFormParses() throws StsException {
    FullHttpRequest r = form("/", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=a%2Bb+c");
    try {
      StsRequest call = StsRequest.parse(r);
      assertEquals("AssumeRole", call.action());
      assertEquals("2011-06-15", call.version());
      assertEquals("a+b c", call.get("RoleSessionName"));
    } finally {
      r.release();
    }
  }
}
