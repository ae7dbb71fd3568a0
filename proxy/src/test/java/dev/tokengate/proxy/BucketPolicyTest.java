package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.ReceivedRequest;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bucket policies are the proxy's: validated, stored across restarts, enforced, never forwarded. */
@Timeout(120)
class BucketPolicyTest {
  static final String GUEST = "AKIAGUEST00000000001";
  static final String SECRET = "guest-secret-guest-secret-guest-secret-0";

  /** Spied, to show that no policy request ever reaches the backend. */
  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: guest
          accessKeys: [{id: %s, secret: %s}]
      """.formatted(GUEST, SECRET)).spyOnBackend();

  private HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return proxy.adminClient().send(method, path, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private HttpResponse<String> guest(String method, String path) throws Exception {
    return proxy.client(GUEST, SECRET).send(method, path, new byte[0], Map.of());
  }

  /** Policies are the proxy's own: the backend never sees a ?policy or ?policyStatus request. */
  private void assertNoPolicyRequestReachedTheBackend() {
    assertFalse(proxy.spy().requests().isEmpty(), "the spy saw the requests that were forwarded");
    for (ReceivedRequest r : proxy.spy().requests()) {
      assertFalse(r.target().contains("policy"), "forwarded to the backend: " + r);
    }
  }

  @Test
  void policyGrantsAccessSurvivesRestartAndCanBeRemoved() throws Exception {
    String policy = """
        {"Version":"2012-10-17","Statement":[{"Sid":"GuestReads","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::123456789012:user/guest"},
         "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::pbucket","arn:aws:s3:::pbucket/*"]}]}""";
    assertEquals(200, admin("PUT", "/pbucket", "").statusCode());
    assertEquals(200, admin("PUT", "/pbucket/k", "value").statusCode());
    assertEquals(404, admin("GET", "/pbucket?policy", "").statusCode());
    assertEquals(403, guest("GET", "/pbucket/k").statusCode());
    assertEquals(204, admin("PUT", "/pbucket?policy", policy).statusCode());
    HttpResponse<String> get = guest("GET", "/pbucket/k");
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("value", get.body());
    assertEquals(403, guest("DELETE", "/pbucket/k").statusCode());
    HttpResponse<String> status = admin("GET", "/pbucket?policyStatus", "");
    assertTrue(status.body().contains("<IsPublic>false</IsPublic>"), status.body());
    proxy.restart();
    assertEquals(policy, admin("GET", "/pbucket?policy", "").body());
    assertEquals(200, guest("GET", "/pbucket/k").statusCode());
    assertEquals(204, admin("DELETE", "/pbucket?policy", "").statusCode());
    assertEquals(403, guest("GET", "/pbucket/k").statusCode());
    HttpResponse<String> none = admin("GET", "/pbucket?policy", "");
    assertEquals(404, none.statusCode());
    assertEquals("NoSuchBucketPolicy", RawS3Client.element(none.body(), "Code"));
    assertNoPolicyRequestReachedTheBackend();
  }

  @Test
  void malformedPolicyIsRefusedAndNothingIsStored() throws Exception {
    assertEquals(200, admin("PUT", "/mb1", "").statusCode());
    HttpResponse<String> bad =
        admin("PUT", "/mb1?policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}]}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("MalformedPolicy", RawS3Client.element(bad.body(), "Code"));
    HttpResponse<String> notJson = admin("PUT", "/mb1?policy", "not json");
    assertEquals(400, notJson.statusCode());
    assertEquals(404, admin("GET", "/mb1?policy", "").statusCode());
    String publicPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::mb1/*\"}]}";
    assertEquals(204, admin("PUT", "/mb1?policy", publicPolicy).statusCode());
    assertTrue(admin("GET", "/mb1?policyStatus", "").body().contains("<IsPublic>true</IsPublic>"));
    assertNoPolicyRequestReachedTheBackend();
  }

  /** S3's bound on a bucket policy is 20 KB; over it, the policy in place is kept. */
  @Test
  void policyOverTwentyKilobytesIsRefusedAndTheOldOneKept() throws Exception {
    assertEquals(200, admin("PUT", "/big1", "").statusCode());
    String statement = "{\"Sid\":\"S%05d\",\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::big1/p%05d/*\"}";
    StringBuilder fits = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    int n = 0;
    while (fits.length() + statement.length() + 2 < 20 * 1024) {
      fits.append(n == 0 ? "" : ",").append(String.format(statement, n, n));
      n++;
    }
    String small = fits + "]}";
    assertTrue(small.length() <= 20 * 1024 && small.length() > 19 * 1024, "length " + small.length());
    HttpResponse<String> ok = admin("PUT", "/big1?policy", small);
    assertEquals(204, ok.statusCode(), ok.body());
    String big = fits + "," + String.format(statement, n, n) + "," + String.format(statement, n + 1, n + 1) + "]}";
    assertTrue(big.length() > 20 * 1024, "length " + big.length());
    HttpResponse<String> refused = admin("PUT", "/big1?policy", big);
    assertEquals(400, refused.statusCode(), refused.body());
    assertEquals("MalformedPolicy", RawS3Client.element(refused.body(), "Code"));
    assertEquals(small, admin("GET", "/big1?policy", "").body(), "the policy in place is kept");
    assertNoPolicyRequestReachedTheBackend();
  }

  @Test
  void publicReadPolicyLetsAnonymousReadButNotWrite() throws Exception {
    assertEquals(200, admin("PUT", "/publicbucket", "").statusCode());
    assertEquals(200, admin("PUT", "/publicbucket/k", "for everyone").statusCode());
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI object = java.net.URI.create(proxy.endpoint() + "/publicbucket/k");
    assertEquals(403, http.send(java.net.http.HttpRequest.newBuilder(object).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode(), "no policy yet: anonymous is denied");
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::publicbucket/*\"}]}";
    assertEquals(204, admin("PUT", "/publicbucket?policy", policy).statusCode());
    HttpResponse<String> get = http.send(java.net.http.HttpRequest.newBuilder(object).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("for everyone", get.body());
    HttpResponse<String> put = http.send(java.net.http.HttpRequest.newBuilder(object)
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("vandalised")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, put.statusCode(), put.body());
    assertEquals("for everyone", admin("GET", "/publicbucket/k", "").body());
  }

  @Test
  void guestCannotManagePolicies() throws Exception {
    assertEquals(200, admin("PUT", "/mb2", "").statusCode());
    HttpResponse<String> r = guest("GET", "/mb2?policy");
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("s3:GetBucketPolicy"), r.body());
  }
}
