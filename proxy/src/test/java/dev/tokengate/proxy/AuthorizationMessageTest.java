package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A denial carries a sealed explanation that only callers allowed sts:DecodeAuthorizationMessage can read. */
@Timeout(60)
class AuthorizationMessageTest {
  static final String READER = "AKIAREADER0000000002";
  static final String SECRET = "secret-secret-secret-secret-secret-00000";

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: reader
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
      """.formatted(READER, SECRET));

  @Test
  void denialIsExplainedToAnAdminOnly() throws Exception {
    HttpResponse<String> denied =
        proxy.client(READER, SECRET).put("/newbucket", "");
    assertEquals(403, denied.statusCode());
    String encoded = RawS3Client.element(denied.body(), "EncodedAuthorizationMessage");
    assertNotNull(encoded, denied.body());

    StsClient sts = proxy.sts();
    StsClient.Response decoded =
        sts.call(proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(), null, "DecodeAuthorizationMessage",
            Map.of("EncodedMessage", encoded));
    assertEquals(200, decoded.status(), decoded.body());
    JsonNode message =
        new ObjectMapper().readTree(decoded.xml().path("DecodeAuthorizationMessageResult").path("DecodedMessage").asText());
    assertEquals(false, message.path("allowed").asBoolean(true));
    assertEquals("s3:CreateBucket", message.path("context").path("action").asText());
    assertEquals("arn:aws:s3:::newbucket", message.path("context").path("resource").asText());
    assertEquals("arn:aws:iam::123456789012:user/reader", message.path("context").path("principal").path("arn").asText());

    StsClient.Response refused = sts.call(READER, SECRET, null, "DecodeAuthorizationMessage", Map.of("EncodedMessage", encoded));
    assertEquals(403, refused.status(), refused.body());
    assertEquals("AccessDenied", refused.errorCode());

    StsClient.Response garbage =
        sts.call(proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(), null, "DecodeAuthorizationMessage",
            Map.of("EncodedMessage", "bm90LWEtbWVzc2FnZQ"));
    assertEquals(400, garbage.status());
    assertEquals("InvalidAuthorizationMessageException", garbage.errorCode());
  }
}
