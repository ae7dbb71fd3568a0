package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.request.S3RequestModelParser;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.PayloadMode;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rewriter's two directions on an {@link EmbeddedChannel}: what it holds, answers and lets pass. */
class BackendErrorRewriterTest {

  static AuthorizedRequest request(HttpMethod method, String uri) {
    AuthenticatedRequest a = new AuthenticatedRequest(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri), "OURID", Service.S3, Caller.anonymous(),
        PayloadMode.UNSIGNED, null);
    try {
      return new AuthorizedRequest(
          a, S3RequestModelParser.parse(method.name(), "/bkt/k", List.of(), null, false), null, false, false);
    } catch (S3Exception e) {
      throw new AssertionError(e);
    }
  }

  private static EmbeddedChannel exchange(HttpMethod method, String uri) {
    EmbeddedChannel ch = new EmbeddedChannel(new BackendErrorRewriter(false));
    ch.writeInbound(request(method, uri));
    assertInstanceOf(AuthorizedRequest.class, ch.readInbound());
    return ch;
  }

  private static HttpResponse head(int status, String... headers) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  private static HttpContent part(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  private static LastHttpContent last(String s) {
    return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  private static String body(FullHttpResponse r) {
    return r.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void errorBodyInPiecesBecomesOneResponseOfOurOwn() {
    EmbeddedChannel ch = exchange(HttpMethod.GET, "/b/missing%20key");
    ch.writeOutbound(head(404, "x-amz-request-id", "BACKEND-REQ", "x-amz-id-2", "backend-host-id", "Server", "Jetty",
        "x-amz-delete-marker", "true", "x-amz-version-id", "v1", "Content-Type", "application/xml",
        "Transfer-Encoding", "chunked"));
    assertNull(ch.readOutbound(), "the head is held until the body is read");
    ch.writeOutbound(part("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Mes"));
    assertNull(ch.readOutbound());
    ch.writeOutbound(last("sage><Key>missing key</Key><RequestId>BACKEND-REQ</RequestId><HostId>backend-host-id</HostId></Error>"));
    FullHttpResponse r = assertInstanceOf(FullHttpResponse.class, ch.readOutbound());
    try {
      assertEquals(404, r.status().code());
      assertEquals("<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code>"
          + "<Message>The specified key does not exist.</Message><Resource>/b/missing key</Resource>"
          + "<RequestId>OURID</RequestId><HostId>tokengate</HostId></Error>", body(r));
      assertEquals("OURID", r.headers().get("x-amz-request-id"));
      assertEquals("true", r.headers().get("x-amz-delete-marker"));
      assertEquals("v1", r.headers().get("x-amz-version-id"));
      assertNull(r.headers().get("x-amz-id-2"));
      assertNull(r.headers().get("Server"));
      assertNull(r.headers().get("Transfer-Encoding"));
      assertEquals(Integer.toString(r.content().readableBytes()), r.headers().get("Content-Length"));
    } finally {
      r.release();
    }
    assertNull(ch.readOutbound());
    assertFalse(ch.finish());
  }

  @Test
  void backendSignatureFailureIsOurInternalErrorWithNoneOfItsHeaders() {
    EmbeddedChannel ch = exchange(HttpMethod.PUT, "/bkt/k");
    ch.writeOutbound(head(403, "x-amz-request-id", "BACKEND-REQ", "x-amz-version-id", "v1"));
    ch.writeOutbound(last("<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message>"
        + "<AWSAccessKeyId>BACKENDKEY</AWSAccessKeyId></Error>"));
    FullHttpResponse r = ch.readOutbound();
    try {
      assertEquals(500, r.status().code());
      assertTrue(body(r).contains("<Code>InternalError</Code>"), body(r));
      assertFalse(body(r).contains("BACKENDKEY") || body(r).contains("SignatureDoesNotMatch"), body(r));
      assertNull(r.headers().get("x-amz-version-id"));
    } finally {
      r.release();
    }
    assertFalse(ch.finish());
  }

  @Test
  void headErrorKeepsItsStatusAndHasNoBody() {
    EmbeddedChannel ch = exchange(HttpMethod.HEAD, "/bkt/k");
    ch.writeOutbound(head(404, "Content-Length", "123", "x-amz-request-id", "BACKEND-REQ"));
    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    FullHttpResponse r = ch.readOutbound();
    try {
      assertEquals(404, r.status().code());
      assertEquals(0, r.content().readableBytes());
      assertEquals("0", r.headers().get("Content-Length"));
      assertEquals("OURID", r.headers().get("x-amz-request-id"));
    } finally {
      r.release();
    }
    assertFalse(ch.finish());
  }

  @Test
  void successAndNotModifiedStreamThroughUntouched() {
    for (int status : new int[] {200, 206, 204, 304}) {
      EmbeddedChannel ch = exchange(HttpMethod.GET, "/bkt/k");
      HttpResponse h = head(status, "ETag", "\"e\"", "x-amz-request-id", "BACKEND-REQ");
      ch.writeOutbound(h);
      assertSame(h, ch.readOutbound(), "status " + status);
      HttpContent p = part("bytes");
      ch.writeOutbound(p);
      assertSame(p, ch.readOutbound());
      p.release();
      ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
      assertSame(LastHttpContent.EMPTY_LAST_CONTENT, ch.readOutbound());
      assertFalse(ch.finish());
    }
  }

  @Test
  void theProxysOwnErrorsPassUntouched() {
    EmbeddedChannel ch = exchange(HttpMethod.GET, "/bkt/k");
    FullHttpResponse own = ErrorResponder.render(new FailedRequest(request(HttpMethod.GET, "/bkt/k").head(), "OURID",
        Service.S3, new S3Exception(S3Error.ACCESS_DENIED), false));
    ch.writeOutbound(own);
    assertSame(own, ch.readOutbound());
    own.release();
    assertFalse(ch.finish());
  }

  @Test
  void withoutAForwardedRequestNothingIsRewritten() {
    EmbeddedChannel ch = new EmbeddedChannel(new BackendErrorRewriter(false));
    HttpResponse h = head(400);
    ch.writeOutbound(h);
    assertSame(h, ch.readOutbound());
    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    ch.readOutbound();
    // After a refusal the response is ErrorResponder's, whatever its type.
    ch.writeInbound(request(HttpMethod.GET, "/bkt/k"));
    ch.readInbound();
    ch.writeInbound(new FailedRequest(null, "OURID", Service.S3, new S3Exception(S3Error.ACCESS_DENIED), false));
    ch.readInbound();
    HttpResponse later = head(403);
    ch.writeOutbound(later);
    assertSame(later, ch.readOutbound());
    assertFalse(ch.finish());
  }

  @Test
  void anOversizedBodyIsBoundedAndStillAnswered() {
    EmbeddedChannel ch = exchange(HttpMethod.GET, "/bkt/k");
    ch.writeOutbound(head(400));
    ch.writeOutbound(part("<Error><Code>InvalidArgument</Code><Message>short</Message><Junk>"));
    String chunk = "x".repeat(16 * 1024);
    for (int i = 0; i < 64; i++) {
      ch.writeOutbound(part(chunk));
    }
    ch.writeOutbound(last("</Junk></Error>"));
    FullHttpResponse r = ch.readOutbound();
    try {
      assertEquals(400, r.status().code());
      assertTrue(body(r).contains("<Code>InvalidArgument</Code><Message>short</Message>"), body(r));
      assertTrue(r.content().readableBytes() < 1024);
    } finally {
      r.release();
    }
    assertFalse(ch.finish());
  }

  @Test
  void aConnectionLostMidErrorReleasesWhatWasHeld() {
    EmbeddedChannel ch = exchange(HttpMethod.GET, "/bkt/k");
    ch.writeOutbound(head(500));
    ch.writeOutbound(part("<Error><Code>InternalError</Code>"));
    ch.close();
    assertNull(ch.readOutbound());
  }

  private static EmbeddedChannel createBucket(boolean usEast1) throws S3Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new BackendErrorRewriter(usEast1));
    AuthenticatedRequest a = new AuthenticatedRequest(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/bkt"), "OURID", Service.S3, Caller.anonymous(),
        PayloadMode.UNSIGNED, null);
    ch.writeInbound(new AuthorizedRequest(
        a, S3RequestModelParser.parse("PUT", "/bkt", List.of(), null, false), null, false, false));
    assertInstanceOf(AuthorizedRequest.class, ch.readInbound());
    ch.writeOutbound(head(409, "Content-Type", "application/xml"));
    ch.writeOutbound(last("<Error><Code>BucketAlreadyOwnedByYou</Code><Message>Your previous request to create the"
        + " named bucket succeeded and you already own it.</Message></Error>"));
    return ch;
  }

  @Test
  void recreatingOnesOwnBucketInUsEast1IsCreateBucketsSuccess() throws S3Exception {
    EmbeddedChannel ch = createBucket(true);
    FullHttpResponse r = assertInstanceOf(FullHttpResponse.class, ch.readOutbound());
    try {
      assertEquals(200, r.status().code());
      assertEquals("/bkt", r.headers().get("Location"));
      assertEquals("OURID", r.headers().get("x-amz-request-id"));
      assertEquals("0", r.headers().get("Content-Length"));
      assertEquals("", body(r));
    } finally {
      r.release();
    }
    assertFalse(ch.finish());
  }

  @Test
  void recreatingOnesOwnBucketElsewhereStaysBucketAlreadyOwnedByYou() throws S3Exception {
    EmbeddedChannel ch = createBucket(false);
    FullHttpResponse r = assertInstanceOf(FullHttpResponse.class, ch.readOutbound());
    try {
      assertEquals(409, r.status().code());
      assertTrue(body(r).contains("<Code>BucketAlreadyOwnedByYou</Code>"), body(r));
    } finally {
      r.release();
    }
    assertFalse(ch.finish());
  }
}
