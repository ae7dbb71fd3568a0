package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.RawS3Client;
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

/** S3's rule: a missing key is 404 only to a caller allowed s3:ListBucket; 403 to anyone else. */
@Timeout(60)
class MissingKeyVisibilityTest {
  static final String LISTER = "AKIALISTER0000000001";
  static final String GETTER = "AKIAGETTER0000000001";
  static final String SECRET = "secret-secret-secret-secret-secret-00000";

  @TempDir static Path dataDir;
  static ProxyServer server;
  static RawS3Client raw;

  @BeforeAll
  static void start() throws Exception {
    Path config = dataDir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: lister
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          - name: getter
            accessKeys: [{id: %s, secret: %s}]
            policies:
              get: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
        """.formatted(dataDir, LISTER, SECRET, GETTER, SECRET));
    server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
    raw = new RawS3Client(server.endpoint());
    assertEquals(200, raw.send("PUT", "/visible", new byte[0], server.admin().accessKeyId(),
        server.admin().secretAccessKey(), Instant.now(), Map.of()).statusCode());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> as(String key, String method) throws Exception {
    return raw.send(method, "/visible/no-such-key", new byte[0], key, SECRET, Instant.now(), Map.of());
  }

  @Test
  void callerAllowedToListSees404() throws Exception {
    assertEquals(404, as(LISTER, "HEAD").statusCode());
    HttpResponse<String> get = as(LISTER, "GET");
    assertEquals(404, get.statusCode());
    assertEquals("NoSuchKey", RawS3Client.element(get.body(), "Code"));
  }

  @Test
  void callerNotAllowedToListSees403() throws Exception {
    assertEquals(403, as(GETTER, "HEAD").statusCode());
    HttpResponse<String> get = as(GETTER, "GET");
    assertEquals(403, get.statusCode());
    assertEquals("AccessDenied", RawS3Client.element(get.body(), "Code"));
  }
}
