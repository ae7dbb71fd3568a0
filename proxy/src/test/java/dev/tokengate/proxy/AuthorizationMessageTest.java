package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A denial carries a sealed explanation that only callers allowed sts:DecodeAuthorizationMessage can read. */
@Timeout(60)
class AuthorizationMessageTest {
  static final String READER = "AKIAREADER0000000002";
  static final String SECRET = "secret-secret-secret-secret-secret-00000";

  @TempDir static Path dataDir;
  static ProxyServer server;

  @BeforeAll
  static void start() throws Exception {
    Path config = dataDir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: reader
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        """.formatted(dataDir, READER, SECRET));
    server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void denialIsExplainedToAnAdminOnly() throws Exception {
    HttpResponse<String> denied =
        new RawS3Client(server.endpoint()).send("PUT", "/newbucket", new byte[0], READER, SECRET, Instant.now(), Map.of());
    assertEquals(403, denied.statusCode());
    String encoded = RawS3Client.element(denied.body(), "EncodedAuthorizationMessage");
    assertNotNull(encoded, denied.body());

    StsClient sts = new StsClient(server.endpoint(), Clock.systemUTC());
    StsClient.Response decoded =
        sts.call(server.admin().accessKeyId(), server.admin().secretAccessKey(), null, "DecodeAuthorizationMessage",
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
        sts.call(server.admin().accessKeyId(), server.admin().secretAccessKey(), null, "DecodeAuthorizationMessage",
            Map.of("EncodedMessage", "bm90LWEtbWVzc2FnZQ"));
    assertEquals(400, garbage.status());
    assertEquals("InvalidAuthorizationMessageException", garbage.errorCode());
  }
}
