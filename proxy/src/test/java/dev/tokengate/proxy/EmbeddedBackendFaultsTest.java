package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.backend.EmbeddedBackend;
import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.LeakWatch;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.SocketExchange;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real embedded S3Proxy child stopped (SIGSTOP, then SIGCONT) and killed (SIGKILL) under the
 * proxy: clients get 503 or a cut connection in bounded time, and the store keeps what it had.
 * Only the child this test's own proxy started is ever signalled ({@link EmbeddedBackend#pid()}).
 */
@Timeout(300)
class EmbeddedBackendFaultsTest {
  /** S3Proxy on a loaded CI machine can take a second or two for a large GET: not a stall. */
  static final Duration RESPONSE = Duration.ofSeconds(6);
  static final Duration IDLE = Duration.ofSeconds(4);
  /** Slack for a loaded CI machine: the bound says "not hung", not "fast". */
  static final Duration MARGIN = Duration.ofSeconds(4);
  /** Larger than the socket buffers between proxy and backend, so a stopped backend cannot take it all. */
  static final int LARGE = 32 << 20;

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
          backendTimeouts: {connectSeconds: 1, responseSeconds: 6, idleSeconds: 4}
          """).embeddedBackend();

  private LeakWatch leaks;

  @BeforeEach
  void watch() {
    leaks = new LeakWatch();
  }

  @AfterEach
  void noLeaks() throws Exception {
    try {
      assertEquals(List.of(), leaks.leaks(), "Netty leak reports");
    } finally {
      leaks.close();
    }
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private void signal(String signal) throws Exception {
    long pid = proxy.server().embeddedBackend().pid();
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
  }

  private SocketExchange.Connection connect() throws Exception {
    return new SocketExchange.Connection(proxy.endpoint(), proxy.admin(), Duration.ofSeconds(60));
  }

  private void put(String path, byte[] body) throws Exception {
    HttpResponse<String> r = proxy.adminClient().put(path, body);
    assertEquals(200, r.statusCode(), r.body());
  }

  private static void assertUnavailable(SocketExchange r) {
    assertEquals(503, r.status(), r.head() + "\n" + r.bodyUtf8());
    assertEquals("ServiceUnavailable", RawS3Client.element(r.bodyUtf8(), "Code"), r.bodyUtf8());
    assertEquals("1", r.header("Retry-After"));
  }

  /** A 503 if the client got to read it, else a connection closed under a client still sending. */
  private static void assertFailedUpload(SocketExchange r) {
    if (r.status() != -1) {
      assertUnavailable(r);
    }
    assertTrue(r.closed(), "the client connection is closed after a failed upload");
  }

  @Test
  void aStoppedBackendIsAnswered503InBoundedTimeAndNothingChanges() throws Exception {
    byte[] original = bytes(1000, 1);
    assertEquals(200, proxy.adminClient().put("/faults", "").statusCode());
    put("/faults/k", original);

    signal("STOP");
    try {
      // `aws s3 ls` with the backend paused: ListBuckets.
      SocketExchange list = SocketExchange.send(proxy.endpoint(), proxy.admin(), "GET", "/", new byte[0], Duration.ZERO,
          Duration.ofSeconds(60));
      assertUnavailable(list);
      assertTrue(list.millis() >= RESPONSE.toMillis() - 50 && list.millis() <= RESPONSE.plus(MARGIN).toMillis(),
          "answered after " + list.millis() + " ms");

      try (SocketExchange.Connection c = connect()) {
        SocketExchange overwrite = c.send("PUT", "/faults/k", bytes(LARGE, 2), Duration.ZERO);
        assertFailedUpload(overwrite);
        assertTrue(overwrite.millis() <= IDLE.plus(MARGIN).plusSeconds(4).toMillis(), "gave up after " + overwrite.millis() + " ms");
      }
      try (SocketExchange.Connection c = connect()) {
        assertFailedUpload(c.send("PUT", "/faults/new", bytes(LARGE, 3), Duration.ZERO));
      }
    } finally {
      signal("CONT");
    }

    HttpResponse<byte[]> k = awaitServed("/faults/k");
    assertArrayEquals(original, k.body(), "the interrupted overwrite left the object as it was");
    assertEquals(List.of("k"), proxy.backend().keys("faults"), "the interrupted new upload left nothing");
  }

  /** The backend resumed: the first successful read, within a bounded number of tries. */
  private HttpResponse<byte[]> awaitServed(String path) throws Exception {
    HttpResponse<byte[]> r = null;
    for (int i = 0; i < 30; i++) {
      r = proxy.adminClient().sendForBytes("GET", path, new byte[0], Map.of());
      if (r.statusCode() == 200) {
        return r;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not served after the backend resumed: " + r.statusCode());
  }

  @Test
  void aKilledBackendCutsTheDownloadFailsTheUploadAndLosesNothing() throws Exception {
    byte[] original = bytes(1000, 4);
    byte[] big = bytes(LARGE, 5);
    assertEquals(200, proxy.adminClient().put("/faults", "").statusCode());
    put("/faults/k", original);
    put("/faults/big", big);
    EmbeddedBackend child = proxy.server().embeddedBackend();
    SocketExchange[] download = new SocketExchange[1];

    SocketExchange upload;
    try (SocketExchange.Connection uploading = connect(); SocketExchange.Connection downloading = connect()) {
      byte[] replacement = bytes(8 << 20, 6);
      // Half the new k is with the backend, and big's head is with the client, when the child dies.
      upload = uploading.send("PUT", "/faults/k", replacement, 4 << 20, () -> {
        download[0] = downloading.send("GET", "/faults/big", new byte[0], 0, () -> { }, () -> {
          ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroyForcibly);
          ProcessHandle.of(child.pid()).ifPresent(p -> p.onExit().join());
        });
      }, () -> { });
    }
    SocketExchange get = download[0];
    assertEquals(200, get.status(), get.head());
    assertEquals(LARGE, get.contentLength());
    assertTrue(get.body().length < LARGE, "got all " + get.body().length + " bytes from a killed backend?");
    assertTrue(get.closed(), "the download's connection is closed: the client sees it cut short");
    assertArrayEquals(java.util.Arrays.copyOf(big, get.body().length), get.body());
    assertFailedUpload(upload);

    SocketExchange after = SocketExchange.send(proxy.endpoint(), proxy.admin(), "GET", "/faults/k", new byte[0],
        Duration.ZERO, Duration.ofSeconds(60));
    assertUnavailable(after);
    assertTrue(after.millis() <= MARGIN.toMillis(), "a dead backend is answered at once, took " + after.millis() + " ms");

    // The same store, served by a new child: what was there before is there, unchanged.
    try (EmbeddedBackend revived = EmbeddedBackend.start(proxy.dataDir(), Duration.ofSeconds(90))) {
      BackendConfig b = revived.config();
      RawS3Client direct = new RawS3Client(b.endpoint(), Credentials.of(b.accessKey(), b.secretKey()), Clock.systemUTC(),
          b.region());
      HttpResponse<byte[]> k = direct.sendForBytes("GET", "/faults/k", new byte[0], Map.of());
      assertEquals(200, k.statusCode());
      assertArrayEquals(original, k.body(), "the upload cut by the kill changed nothing");
      HttpResponse<String> listing = direct.get("/faults?list-type=2");
      assertEquals(2, listing.body().split("<Key>", -1).length - 1, listing.body());
    }
  }
}
