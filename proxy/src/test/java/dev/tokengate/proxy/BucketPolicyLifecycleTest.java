package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.config.ProxyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bucket policy lives as long as its bucket: DeleteBucket takes it along, a policy is only ever
 * stored for a bucket the backend has, and a policy left by a bucket deleted behind the proxy's
 * back is dropped when the name is created again.
 */
@Timeout(120)
class BucketPolicyLifecycleTest {
  @TempDir Path dataDir;

  private ProxyServer start() throws Exception {
    return ProxyServer.start(ProxyConfig.of("127.0.0.1:0", dataDir.toString()), Clock.systemUTC());
  }

  private static HttpResponse<String> admin(ProxyServer s, String method, String path, String body) throws Exception {
    return new RawS3Client(s.endpoint()).send(method, path, body.getBytes(StandardCharsets.UTF_8),
        s.admin().accessKeyId(), s.admin().secretAccessKey(), Instant.now(), Map.of());
  }

  private static int anonymousGet(ProxyServer s, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.endpoint() + path)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String publicRead(String bucket) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}";
  }

  private Path policyFile(String bucket) {
    return dataDir.resolve("bucket-policies").resolve(bucket + ".json");
  }

  @Test
  void deleteBucketTakesItsPolicyAlong() throws Exception {
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/reborn", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/reborn/k", "public once").statusCode());
      assertEquals(204, admin(s, "PUT", "/reborn?policy", publicRead("reborn")).statusCode());
      assertEquals(200, anonymousGet(s, "/reborn/k"));

      HttpResponse<String> notEmpty = admin(s, "DELETE", "/reborn", "");
      assertEquals(409, notEmpty.statusCode(), notEmpty.body());
      assertEquals("BucketNotEmpty", RawS3Client.element(notEmpty.body(), "Code"));
      assertEquals(200, anonymousGet(s, "/reborn/k"), "a failed DeleteBucket leaves the policy in force");

      assertEquals(204, admin(s, "DELETE", "/reborn/k", "").statusCode());
      assertEquals(204, admin(s, "DELETE", "/reborn", "").statusCode());
      assertFalse(Files.exists(policyFile("reborn")));
      assertEquals(200, admin(s, "PUT", "/reborn", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/reborn/k", "private now").statusCode());
      assertEquals(403, anonymousGet(s, "/reborn/k"), "the old public policy no longer applies");
      HttpResponse<String> none = admin(s, "GET", "/reborn?policy", "");
      assertEquals(404, none.statusCode());
      assertEquals("NoSuchBucketPolicy", RawS3Client.element(none.body(), "Code"));
    }
    try (ProxyServer s = start()) {
      assertEquals(403, anonymousGet(s, "/reborn/k"), "nor after a restart");
    }
  }

  @Test
  void policyOperationsOnAMissingBucketAreNoSuchBucketAndStoreNothing() throws Exception {
    try (ProxyServer s = start(); LogCapture log = new LogCapture()) {
      HttpResponse<String> put = admin(s, "PUT", "/nosuchbucket?policy", publicRead("nosuchbucket"));
      assertEquals(404, put.statusCode(), put.body());
      assertEquals("NoSuchBucket", RawS3Client.element(put.body(), "Code"));
      assertEquals("nosuchbucket", RawS3Client.element(put.body(), "BucketName"));
      assertFalse(Files.exists(policyFile("nosuchbucket")));
      for (String op : new String[] {"GET /nosuchbucket?policy", "DELETE /nosuchbucket?policy",
          "GET /nosuchbucket?policyStatus"}) {
        String[] parts = op.split(" ");
        HttpResponse<String> r = admin(s, parts[0], parts[1], "");
        assertEquals(404, r.statusCode(), op);
        assertEquals("NoSuchBucket", RawS3Client.element(r.body(), "Code"), op);
      }
      // Created later, the bucket has no policy: the refused one was never kept.
      assertEquals(200, admin(s, "PUT", "/nosuchbucket", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/nosuchbucket/k", "x").statusCode());
      assertEquals(403, anonymousGet(s, "/nosuchbucket/k"));
      assertEquals("NoSuchBucketPolicy", RawS3Client.element(admin(s, "GET", "/nosuchbucket?policy", "").body(), "Code"));
      assertTrue(log.withStackTraces().isEmpty(), log.events().toString());
    }
  }

  @Test
  void invalidBucketNamesAreInvalidBucketNameNeverAnInternalError() throws Exception {
    try (ProxyServer s = start(); LogCapture log = new LogCapture()) {
      for (String bucket : new String[] {"Bad_Name", "ab", "a..b", "-abc", "192.168.1.1"}) {
        HttpResponse<String> r = admin(s, "PUT", "/" + bucket + "?policy", publicRead("x"));
        assertEquals(400, r.statusCode(), bucket + ": " + r.body());
        assertEquals("InvalidBucketName", RawS3Client.element(r.body(), "Code"), bucket);
      }
      try (var files = Files.list(dataDir.resolve("bucket-policies"))) {
        assertEquals(0, files.count());
      }
      assertTrue(log.withStackTraces().isEmpty(), log.events().toString());
    }
  }

  @Test
  void aPolicyLeftByABucketDeletedBehindTheProxysBackGoesWhenTheNameIsCreatedAgain() throws Exception {
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/orphan", "").statusCode());
      assertEquals(204, admin(s, "PUT", "/orphan?policy", publicRead("orphan")).statusCode());
      BackendConfig backend = s.embeddedBackend().config();
      HttpResponse<String> direct = new RawS3Client(backend.endpoint()).send("DELETE", "/orphan", new byte[0],
          backend.accessKey(), backend.secretKey(), Instant.now(), Map.of());
      assertEquals(204, direct.statusCode(), direct.body());

      assertEquals(200, admin(s, "PUT", "/orphan", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/orphan/k", "mine").statusCode());
      assertEquals(403, anonymousGet(s, "/orphan/k"), "the stale public policy was dropped");
      assertFalse(Files.exists(policyFile("orphan")));
    }
  }

  @Test
  void createBucketOnAnExistingBucketKeepsItsPolicy() throws Exception {
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/kept", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/kept/k", "public").statusCode());
      assertEquals(204, admin(s, "PUT", "/kept?policy", publicRead("kept")).statusCode());
      HttpResponse<String> again = admin(s, "PUT", "/kept", "");
      assertTrue(again.statusCode() == 200 || again.statusCode() == 409, again.statusCode() + " " + again.body());
      assertEquals(200, anonymousGet(s, "/kept/k"));
      assertTrue(Files.exists(policyFile("kept")));
    }
  }
}
