package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bucket policy lives as long as its bucket: DeleteBucket takes it along, a policy is only ever
 * stored for a bucket the backend has, and a policy left by a bucket deleted behind the proxy's
 * back is dropped when the name is created again.
 */
@Timeout(120)
class BucketPolicyLifecycleTest {
  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults();

  private RawS3Client admin() {
    return proxy.adminClient();
  }

  private int anonymousGet(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + path)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String publicRead(String bucket) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}";
  }

  /** Whether the state store holds a policy for the bucket (read as a fresh start would). */
  private boolean stored(String bucket) throws Exception {
    try (StateStore state = EmbeddedStateStore.open(proxy.dataDir())) {
      return state.get(BucketPolicyStore.PREFIX + bucket).isPresent();
    }
  }

  private int storedCount() throws Exception {
    try (StateStore state = EmbeddedStateStore.open(proxy.dataDir())) {
      return state.list(BucketPolicyStore.PREFIX).size();
    }
  }

  @Test
  void theAccountRootCanAlwaysManageAPolicyThatDeniesEveryone() throws Exception {
    assertEquals(200, admin().put("/lockout", "").statusCode());
    assertEquals(200, admin().put("/lockout/k", "x").statusCode());
    String denyAll = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
        + "\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::lockout\",\"arn:aws:s3:::lockout/*\"]}]}";
    assertEquals(204, admin().put("/lockout?policy", denyAll).statusCode());
    HttpResponse<String> object = admin().get("/lockout/k");
    assertEquals(403, object.statusCode(), "the deny binds the root elsewhere: " + object.body());
    HttpResponse<String> read = admin().get("/lockout?policy");
    assertEquals(200, read.statusCode(), read.body());
    assertEquals(denyAll, read.body());
    assertEquals(204, admin().delete("/lockout?policy").statusCode());
    assertEquals(200, admin().get("/lockout/k").statusCode(), "the policy is gone");

    // Put confirming the lock-out, its denial binds the root too.
    String denyManagement = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
        + "\"Action\":[\"s3:GetBucketPolicy\",\"s3:DeleteBucketPolicy\",\"s3:PutBucketPolicy\"],"
        + "\"Resource\":\"arn:aws:s3:::lockout\"}]}";
    HttpResponse<String> confirmed = admin().send("PUT", "/lockout?policy",
        denyManagement.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.util.Map.of("x-amz-confirm-remove-self-bucket-access", "true"));
    assertEquals(204, confirmed.statusCode(), confirmed.body());
    assertEquals(403, admin().get("/lockout?policy").statusCode());
    assertEquals(403, admin().delete("/lockout?policy").statusCode());
    assertEquals(204, admin().delete("/lockout/k").statusCode());
    assertEquals(204, admin().delete("/lockout").statusCode());
  }

  @Test
  void deleteBucketTakesItsPolicyAlong() throws Exception {
    assertEquals(200, admin().put("/reborn", "").statusCode());
    assertEquals(200, admin().put("/reborn/k", "public once").statusCode());
    assertEquals(204, admin().put("/reborn?policy", publicRead("reborn")).statusCode());
    assertEquals(200, anonymousGet("/reborn/k"));

    HttpResponse<String> notEmpty = admin().delete("/reborn");
    assertEquals(409, notEmpty.statusCode(), notEmpty.body());
    assertEquals("BucketNotEmpty", RawS3Client.element(notEmpty.body(), "Code"));
    assertEquals(200, anonymousGet("/reborn/k"), "a failed DeleteBucket leaves the policy in force");

    assertEquals(204, admin().delete("/reborn/k").statusCode());
    assertEquals(204, admin().delete("/reborn").statusCode());
    assertFalse(stored("reborn"));
    assertEquals(200, admin().put("/reborn", "").statusCode());
    assertEquals(200, admin().put("/reborn/k", "private now").statusCode());
    assertEquals(403, anonymousGet("/reborn/k"), "the old public policy no longer applies");
    HttpResponse<String> none = admin().get("/reborn?policy");
    assertEquals(404, none.statusCode());
    assertEquals("NoSuchBucketPolicy", RawS3Client.element(none.body(), "Code"));

    proxy.restart();
    assertEquals(403, anonymousGet("/reborn/k"), "nor after a restart");
  }

  @Test
  void policyOperationsOnAMissingBucketAreNoSuchBucketAndStoreNothing() throws Exception {
    try (LogCapture log = new LogCapture()) {
      HttpResponse<String> put = admin().put("/nosuchbucket?policy", publicRead("nosuchbucket"));
      assertEquals(404, put.statusCode(), put.body());
      assertEquals("NoSuchBucket", RawS3Client.element(put.body(), "Code"));
      assertEquals("nosuchbucket", RawS3Client.element(put.body(), "BucketName"));
      assertFalse(stored("nosuchbucket"));
      for (String op : new String[] {"GET /nosuchbucket?policy", "DELETE /nosuchbucket?policy",
          "GET /nosuchbucket?policyStatus"}) {
        String[] parts = op.split(" ");
        HttpResponse<String> r = admin().send(parts[0], parts[1], new byte[0], java.util.Map.of());
        assertEquals(404, r.statusCode(), op);
        assertEquals("NoSuchBucket", RawS3Client.element(r.body(), "Code"), op);
      }
      // Created later, the bucket has no policy: the refused one was never kept.
      assertEquals(200, admin().put("/nosuchbucket", "").statusCode());
      assertEquals(200, admin().put("/nosuchbucket/k", "x").statusCode());
      assertEquals(403, anonymousGet("/nosuchbucket/k"));
      assertEquals("NoSuchBucketPolicy", RawS3Client.element(admin().get("/nosuchbucket?policy").body(), "Code"));
      assertTrue(log.withStackTraces().isEmpty(), log.events().toString());
    }
  }

  @Test
  void invalidBucketNamesAreInvalidBucketNameNeverAnInternalError() throws Exception {
    try (LogCapture log = new LogCapture()) {
      for (String bucket : new String[] {"Bad_Name", "ab", "a..b", "-abc", "192.168.1.1"}) {
        HttpResponse<String> r = admin().put("/" + bucket + "?policy", publicRead("x"));
        assertEquals(400, r.statusCode(), bucket + ": " + r.body());
        assertEquals("InvalidBucketName", RawS3Client.element(r.body(), "Code"), bucket);
      }
      assertEquals(0, storedCount());
      assertTrue(log.withStackTraces().isEmpty(), log.events().toString());
    }
  }

  @Test
  void aPolicyLeftByABucketDeletedBehindTheProxysBackGoesWhenTheNameIsCreatedAgain() throws Exception {
    assertEquals(200, admin().put("/orphan", "").statusCode());
    assertEquals(204, admin().put("/orphan?policy", publicRead("orphan")).statusCode());
    HttpResponse<String> direct = proxy.backend().client().delete("/orphan");
    assertEquals(204, direct.statusCode(), direct.body());

    assertEquals(200, admin().put("/orphan", "").statusCode());
    assertEquals(200, admin().put("/orphan/k", "mine").statusCode());
    assertEquals(403, anonymousGet("/orphan/k"), "the stale public policy was dropped");
    assertFalse(stored("orphan"));
  }

  @Test
  void createBucketOnAnExistingBucketKeepsItsPolicy() throws Exception {
    assertEquals(200, admin().put("/kept", "").statusCode());
    assertEquals(200, admin().put("/kept/k", "public").statusCode());
    assertEquals(204, admin().put("/kept?policy", publicRead("kept")).statusCode());
    HttpResponse<String> again = admin().put("/kept", "");
    assertTrue(again.statusCode() == 200 || again.statusCode() == 409, again.statusCode() + " " + again.body());
    assertEquals(200, anonymousGet("/kept/k"));
    assertTrue(stored("kept"));
  }
}
