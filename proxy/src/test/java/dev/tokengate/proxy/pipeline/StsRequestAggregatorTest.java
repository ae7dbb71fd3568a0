package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StsRequestAggregatorTest {

  static HttpRequest request(HttpMethod method, String uri, String authorization, String contentType) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    if (authorization != null) {
      r.headers().set("Authorization", authorization);
    }
    if (contentType != null) {
      r.headers().set("Content-Type", contentType);
    }
    return r;
  }

  static String authorization(String service) {
    return "AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host;x-amz-date, Signature="
        + "0".repeat(64);
  }

  static HttpRequest signed(HttpMethod method, String uri, String service, String contentType) {
    HttpRequest r = request(method, uri, authorization(service), contentType);
    r.headers().set("X-Amz-Date", "20260101T000000Z");
    if (service.equals("s3")) {
      r.headers().set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
    }
    return r;
  }

  @Test
  void recognisesServicesByTheParsedCredentialScope() {
    String form = "application/x-www-form-urlencoded";
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(signed(HttpMethod.POST, "/", "sts", null)));
    assertEquals(Service.IAM, StsRequestAggregator.serviceOf(signed(HttpMethod.POST, "/", "iam", form)));
    assertNull(StsRequestAggregator.serviceOf(signed(HttpMethod.GET, "/", "s3", null)));
    assertNull(StsRequestAggregator.serviceOf(signed(HttpMethod.POST, "/", "s3", form)), "an s3 scope is S3's, form or not");
    assertNull(StsRequestAggregator.serviceOf(signed(HttpMethod.POST, "/", "execute-api", form)), "a foreign scope is S3's to refuse");
    HttpRequest hostSaysIam = signed(HttpMethod.POST, "/", "sts", form);
    hostSaysIam.headers().set("Host", "iam.amazonaws.com");
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(hostSaysIam), "the signed scope outranks the Host");
    String presigned = "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        + "&X-Amz-Credential=AKIAX%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z"
        + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "0".repeat(64);
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(request(HttpMethod.GET, presigned, null, null)));
  }

  /** What a substring search got wrong: text that merely looks like a scope decides nothing. */
  @Test
  void lookalikeScopesElsewhereInTheRequestDecideNothing() {
    HttpRequest s3WithIamText = signed(HttpMethod.POST, "/", "s3", "application/x-www-form-urlencoded");
    s3WithIamText.headers().set("Authorization", authorization("s3").replace("SignedHeaders=host;x-amz-date",
        "SignedHeaders=host;x-amz-date;x/iam/aws4_request"));
    assertNull(StsRequestAggregator.serviceOf(s3WithIamText));
    HttpRequest listing = signed(HttpMethod.GET, "/bucket?list-type=2&prefix=a%2Fsts%2Faws4_request", "s3", null);
    assertNull(StsRequestAggregator.serviceOf(listing), "an S3 listing whose prefix spells a scope");
    HttpRequest rootListing = signed(HttpMethod.GET, "/?prefix=%2Fsts%2Faws4_request", "s3", null);
    assertNull(StsRequestAggregator.serviceOf(rootListing));
    assertNull(StsRequestAggregator.serviceOf(request(HttpMethod.GET, "/?XAction=GetCallerIdentity", null, null)));
  }

  @Test
  void withoutAParsableSignatureHostAndFormRulesDecide() {
    String form = "application/x-www-form-urlencoded";
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(request(HttpMethod.POST, "/", null, form)));
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(
        request(HttpMethod.GET, "/?Action=GetCallerIdentity&Version=2011-06-15", null, null)));
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(request(HttpMethod.GET, "/?Version=1&Action=X", null, null)));
    HttpRequest malformed = request(HttpMethod.POST, "/", "AWS4-HMAC-SHA256 Credential=nonsense", form);
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(malformed), "the authenticator refuses it in STS's format");
    HttpRequest sigV2 = request(HttpMethod.POST, "/", "AWS AKIAX:c2ln", form);
    sigV2.headers().set("Date", "Thu, 01 Jan 2026 00:00:00 GMT");
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(sigV2));
    HttpRequest iamHost = request(HttpMethod.POST, "/", null, form);
    iamHost.headers().set("Host", "iam.amazonaws.com");
    assertEquals(Service.IAM, StsRequestAggregator.serviceOf(iamHost));
    HttpRequest stsHost = request(HttpMethod.GET, "/anything", null, null);
    stsHost.headers().set("Host", "sts.us-east-1.amazonaws.com");
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(stsHost));
    assertNull(StsRequestAggregator.serviceOf(request(HttpMethod.GET, "/", null, null)), "anonymous ListBuckets");
    assertNull(StsRequestAggregator.serviceOf(request(HttpMethod.PUT, "/bucket/key", null, form)));
  }

  @Test
  void buffersAWholeCallAndLetsS3Stream() {
    EmbeddedChannel ch = new EmbeddedChannel(new StsRequestAggregator());
    ch.writeInbound(request(HttpMethod.POST, "/", null, "application/x-www-form-urlencoded"));
    ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("Action=GetCaller", StandardCharsets.UTF_8)));
    assertNull(ch.readInbound());
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("Identity&Version=2011-06-15", StandardCharsets.UTF_8)));
    StsHttpRequest whole = ch.readInbound();
    assertEquals("Action=GetCallerIdentity&Version=2011-06-15", whole.content().toString(StandardCharsets.UTF_8));
    assertEquals(Service.STS, whole.service());
    whole.release();
    HttpRequest s3 = request(HttpMethod.GET, "/bucket", "AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/s3/aws4_request", null);
    ch.writeInbound(s3);
    assertInstanceOf(HttpRequest.class, ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedCallIsRefusedInItsOwnFormatAndTheRestOfItsBodyDropped() {
    EmbeddedChannel ch = new EmbeddedChannel(new StsRequestAggregator());
    HttpRequest big = request(HttpMethod.POST, "/", null, "application/x-www-form-urlencoded");
    big.headers().set("Content-Length", StsRequestAggregator.MAX_BODY + 1);
    ch.writeInbound(big);
    FailedRequest failed = ch.readInbound();
    assertEquals("RequestEntityTooLarge", failed.error().code());
    assertEquals(413, failed.error().status());
    assertEquals(Service.STS, failed.service());
    assertTrue(failed.closeConnection());
    ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("Action=GetSessionToken", StandardCharsets.UTF_8)));
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("&x=y", StandardCharsets.UTF_8)));
    assertNull(ch.readInbound(), "the refused call's body goes nowhere");
    assertNull(ch.readOutbound(), "the answer is ErrorResponder's to write");
    ch.finishAndReleaseAll();
  }

  @Test
  void aBodyThatOutgrowsTheBoundMidwayIsRefusedOnce() {
    EmbeddedChannel ch = new EmbeddedChannel(new StsRequestAggregator(4096));
    ch.writeInbound(request(HttpMethod.POST, "/", null, "application/x-www-form-urlencoded")); // chunked: no length
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[3000])));
    assertNull(ch.readInbound());
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[3000])));
    FailedRequest failed = ch.readInbound();
    assertEquals("RequestEntityTooLarge", failed.error().code());
    assertTrue(failed.error().getMessage().contains("4096"), failed.error().getMessage());
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[3000])));
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])));
    assertNull(ch.readInbound());
    assertFalse(ch.finishAndReleaseAll());
  }
}
