package dev.tokengate.proxy.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness itself: the YAML fragment reaches the proxy, the backend view sees what went through
 * the proxy and nothing else, restart keeps the data dir and the store, the injected clock is the
 * proxy's, and each proxy starts on an empty shared store.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokengateExtensionTest {
  static final Credentials READER = Credentials.of("AKIAHARNESSREADER001", "harness-reader-secret-harness-reader-00");
  static final MutableClock CLOCK = new MutableClock(Instant.now());

  /** One per test (instance field): every test starts on an empty store. */
  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: reader
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
      """.formatted(READER.accessKeyId(), READER.secretAccessKey())).clock(CLOCK);

  @Test
  @Order(1)
  void configuredUserAndAdminWorkAndTheBackendSeesTheObject() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/harness", "").statusCode());
    assertEquals(200, admin.put("/harness/" + RawS3Client.keyPath("dir/a+b ü.txt"), "bytes").statusCode());
    assertEquals(List.of("harness"), proxy.backend().buckets());
    assertEquals(List.of("dir/a+b ü.txt"), proxy.backend().keys("harness"));
    assertArrayEquals("bytes".getBytes(StandardCharsets.UTF_8), proxy.backend().read("harness", "dir/a+b ü.txt").orElseThrow());

    RawS3Client reader = proxy.client(READER);
    HttpResponse<String> get = reader.get("/harness/" + RawS3Client.keyPath("dir/a+b ü.txt"));
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("bytes", get.body());
    BackendView.State before = proxy.backend().state();
    HttpResponse<String> denied = reader.put("/harness/other", "no");
    assertEquals(403, denied.statusCode(), denied.body());
    assertEquals(before, proxy.backend().state());
    assertTrue(Files.isRegularFile(proxy.dataDir().resolve("tokengate.yaml")));
  }

  @Test
  @Order(2)
  void aNewProxyStartsOnAnEmptyStore() throws Exception {
    assertEquals(List.of(), proxy.backend().buckets(), "the previous test's bucket is gone");
  }

  @Test
  @Order(3)
  void stateSeesAChangedObject() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/state", "").statusCode());
    assertEquals(200, admin.put("/state/k", "one").statusCode());
    BackendView.State one = proxy.backend().state();
    assertEquals(200, admin.put("/state/k", "two").statusCode());
    assertNotEquals(one, proxy.backend().state());
    assertEquals(204, admin.delete("/state/k").statusCode());
    assertFalse(proxy.backend().exists("state", "k"));
  }

  @Test
  @Order(4)
  void restartKeepsTheDataDirTheAdminAndTheObjects() throws Exception {
    Credentials admin = proxy.admin();
    assertEquals(200, proxy.adminClient().put("/kept", "").statusCode());
    assertEquals(200, proxy.adminClient().put("/kept/k", "still here").statusCode());
    proxy.restart();
    assertEquals(admin, proxy.admin(), "the bootstrap admin is read back from the data dir");
    assertEquals("still here", proxy.adminClient().get("/kept/k").body());
  }

  @Test
  @Order(5)
  void theProxyReadsTheInjectedClock() throws Exception {
    StsClient.Response r = proxy.sts().call(READER, "GetSessionToken", java.util.Map.of("DurationSeconds", "900"));
    assertEquals(200, r.status(), r.body());
    Credentials session = r.credentials("GetSessionToken");
    assertEquals(200, proxy.client(session).get("/").statusCode());
    CLOCK.advance(Duration.ofSeconds(901));
    HttpResponse<String> expired = proxy.client(session).get("/");
    assertEquals(400, expired.statusCode(), expired.body());
    assertEquals("ExpiredToken", RawS3Client.element(expired.body(), "Code"));
  }

  @Test
  void aFragmentMayNotSetWhatTheHarnessOwns() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokengateExtension.withConfig("listen: 127.0.0.1:9000\n"));
    assertTrue(e.getMessage().contains("listen"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TokengateExtension.withConfig("- just a list\n"));
  }
}
