package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.config.ProxyConfig;
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

/** Bucket policies are the proxy's: validated, stored across restarts, enforced, never forwarded. */
@Timeout(120)
class BucketPolicyTest {
  static final String GUEST = "AKIAGUEST00000000001";
  static final String SECRET = "guest-secret-guest-secret-guest-secret-0";

  @TempDir Path dataDir;

  private ProxyServer start() throws Exception {
    Path config = dataDir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: guest
            accessKeys: [{id: %s, secret: %s}]
        """.formatted(dataDir, GUEST, SECRET));
    return ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
  }

  private static HttpResponse<String> admin(ProxyServer s, String method, String path, String body) throws Exception {
    return new RawS3Client(s.endpoint()).send(method, path, body.getBytes(StandardCharsets.UTF_8),
        s.admin().accessKeyId(), s.admin().secretAccessKey(), Instant.now(), Map.of());
  }

  private static HttpResponse<String> guest(ProxyServer s, String method, String path) throws Exception {
    return new RawS3Client(s.endpoint()).send(method, path, new byte[0], GUEST, SECRET, Instant.now(), Map.of());
  }

  @Test
  void policyGrantsAccessSurvivesRestartAndCanBeRemoved() throws Exception {
    String policy = """
        {"Version":"2012-10-17","Statement":[{"Sid":"GuestReads","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::123456789012:user/guest"},
         "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::pbucket","arn:aws:s3:::pbucket/*"]}]}""";
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/pbucket", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/pbucket/k", "value").statusCode());
      assertEquals(404, admin(s, "GET", "/pbucket?policy", "").statusCode());
      assertEquals(403, guest(s, "GET", "/pbucket/k").statusCode());
      assertEquals(204, admin(s, "PUT", "/pbucket?policy", policy).statusCode());
      HttpResponse<String> get = guest(s, "GET", "/pbucket/k");
      assertEquals(200, get.statusCode(), get.body());
      assertEquals("value", get.body());
      assertEquals(403, guest(s, "DELETE", "/pbucket/k").statusCode());
      HttpResponse<String> status = admin(s, "GET", "/pbucket?policyStatus", "");
      assertTrue(status.body().contains("<IsPublic>false</IsPublic>"), status.body());
    }
    try (ProxyServer s = start()) {
      assertEquals(policy, admin(s, "GET", "/pbucket?policy", "").body());
      assertEquals(200, guest(s, "GET", "/pbucket/k").statusCode());
      assertEquals(204, admin(s, "DELETE", "/pbucket?policy", "").statusCode());
      assertEquals(403, guest(s, "GET", "/pbucket/k").statusCode());
      HttpResponse<String> none = admin(s, "GET", "/pbucket?policy", "");
      assertEquals(404, none.statusCode());
      assertEquals("NoSuchBucketPolicy", RawS3Client.element(none.body(), "Code"));
    }
  }

  @Test
  void malformedPolicyIsRefusedAndNothingIsStored() throws Exception {
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/mb1", "").statusCode());
      HttpResponse<String> bad =
          admin(s, "PUT", "/mb1?policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}]}");
      assertEquals(400, bad.statusCode(), bad.body());
      assertEquals("MalformedPolicy", RawS3Client.element(bad.body(), "Code"));
      HttpResponse<String> notJson = admin(s, "PUT", "/mb1?policy", "not json");
      assertEquals(400, notJson.statusCode());
      assertEquals(404, admin(s, "GET", "/mb1?policy", "").statusCode());
      String publicPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
          + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::mb1/*\"}]}";
      assertEquals(204, admin(s, "PUT", "/mb1?policy", publicPolicy).statusCode());
      assertTrue(admin(s, "GET", "/mb1?policyStatus", "").body().contains("<IsPublic>true</IsPublic>"));
    }
  }

  @Test
  void publicReadPolicyLetsAnonymousReadButNotWrite() throws Exception {
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/publicbucket", "").statusCode());
      assertEquals(200, admin(s, "PUT", "/publicbucket/k", "for everyone").statusCode());
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.URI object = java.net.URI.create(s.endpoint() + "/publicbucket/k");
      assertEquals(403, http.send(java.net.http.HttpRequest.newBuilder(object).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "no policy yet: anonymous is denied");
      String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
          + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::publicbucket/*\"}]}";
      assertEquals(204, admin(s, "PUT", "/publicbucket?policy", policy).statusCode());
      HttpResponse<String> get = http.send(java.net.http.HttpRequest.newBuilder(object).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, get.statusCode(), get.body());
      assertEquals("for everyone", get.body());
      HttpResponse<String> put = http.send(java.net.http.HttpRequest.newBuilder(object)
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("vandalised")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, put.statusCode(), put.body());
      assertEquals("for everyone", admin(s, "GET", "/publicbucket/k", "").body());
    }
  }

  @Test
  void guestCannotManagePolicies() throws Exception {
    try (ProxyServer s = start()) {
      assertEquals(200, admin(s, "PUT", "/mb2", "").statusCode());
      HttpResponse<String> r = guest(s, "GET", "/mb2?policy");
      assertEquals(403, r.statusCode());
      assertTrue(r.body().contains("s3:GetBucketPolicy"), r.body());
    }
  }
}
