package dev.tokengate.proxy.sts;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Fuzzes the STS/IAM query-protocol parser (GET query and POST form body). Contract: a call parses
 * or is refused with an {@link StsException} carrying a 4xx STS error; never another exception
 * (a form body {@code Action=%z} used to escape as IllegalArgumentException and answer 500).
 */
class StsRequestFuzzTest {

  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"Action=", "Version=2011-06-15", "AssumeRole", "GetSessionToken", "RoleArn=",
      "Policy=", "PolicyArns.member.1.arn=", "Tags.member.1.Key=", "%", "%z", "%C0%AF", "+", "&", ";", "="})
  void parse(FuzzedDataProvider data) {
    boolean post = data.consumeBoolean();
    String uri = "/" + (data.consumeBoolean() ? "?" + data.consumeString(200) : "");
    String contentType = data.pickValue(new String[] {"application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8", "text/plain", ""});
    byte[] body = data.consumeRemainingAsBytes();
    FullHttpRequest request;
    try {
      request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, post ? HttpMethod.POST : HttpMethod.GET,
          uri, Unpooled.wrappedBuffer(body));
    } catch (IllegalArgumentException notARequestLine) {
      return; // Netty's HTTP decoder would never produce this request
    }
    request.headers().set("content-type", contentType);
    try {
      StsRequest.parse(request);
    } catch (StsException refused) {
      if (refused.error().status() < 400 || refused.error().status() >= 500) {
        throw new AssertionError("a refusal must be a 4xx STS error, got " + refused.error(), refused);
      }
    } finally {
      request.release();
    }
  }
}
