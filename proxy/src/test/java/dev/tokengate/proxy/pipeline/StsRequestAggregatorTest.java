package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

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

  @Test
  void recognisesServices() {
    String sts = "AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0";
    String iam = sts.replace("/sts/", "/iam/");
    String s3 = sts.replace("/sts/", "/s3/");
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(request(HttpMethod.POST, "/", sts, null)));
    assertEquals(Service.IAM, StsRequestAggregator.serviceOf(request(HttpMethod.POST, "/", iam, null)));
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(request(HttpMethod.POST, "/", null, "application/x-www-form-urlencoded")));
    assertEquals(Service.STS, StsRequestAggregator.serviceOf(request(HttpMethod.GET, "/?Action=GetCallerIdentity&Version=2011-06-15", null, null)));
    assertNull(StsRequestAggregator.serviceOf(request(HttpMethod.GET, "/", s3, null)));
    assertNull(StsRequestAggregator.serviceOf(request(HttpMethod.PUT, "/bucket/key", s3, "application/x-www-form-urlencoded")));
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
  void oversizedCallIsRefusedAndClosed() {
    EmbeddedChannel ch = new EmbeddedChannel(new StsRequestAggregator());
    HttpRequest big = request(HttpMethod.POST, "/", null, "application/x-www-form-urlencoded");
    big.headers().set("Content-Length", StsRequestAggregator.MAX_BODY + 1);
    ch.writeInbound(big);
    FullHttpResponse response = ch.readOutbound();
    assertEquals(413, response.status().code());
    response.release();
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }
}
