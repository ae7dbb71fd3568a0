package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.BackendSpy;
import dev.tokengate.proxy.harness.CannedResponse;
import dev.tokengate.proxy.harness.CannedResponse.Fault;
import dev.tokengate.proxy.harness.LeakWatch;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.ReceivedRequest;
import dev.tokengate.proxy.harness.SocketExchange;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every backend fault a fake backend can stage, each answered in bounded time: an S3 error
 * (503 ServiceUnavailable with Retry-After) while no byte of the response has reached the client,
 * a closed client connection (a truncated body, never a silently short one) once it has. Short
 * timeouts are configured so the bounds are small; each test also checks that no connection is
 * left hanging, that the proxy still serves the next request, and that no buffer leaked.
 */
@Timeout(120)
class BackendFaultsTest {
  static final Duration RESPONSE = Duration.ofMillis(1500);
  static final Duration IDLE = Duration.ofMillis(1500);
  /** Slack for a loaded CI machine: the bound says "not hung", not "fast". */
  static final Duration MARGIN = Duration.ofSeconds(3);
  static final Duration CLIENT_WAIT = Duration.ofSeconds(30);

  private BackendSpy.Responder script = BackendSpy.Responder.always(CannedResponse.of(200));

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
          backendTimeouts: {connectSeconds: 1, responseSeconds: 1.5, idleSeconds: 1.5}
          backendCircuitBreaker: {failures: 3, openSeconds: 1}
          """)
      .fakeBackend(r -> r.path().startsWith("/warm/") ? CannedResponse.of(200, "text/plain", "warm") : script.answer(r));

  private LeakWatch leaks;

  @BeforeEach
  void watch() {
    leaks = new LeakWatch();
  }

  @AfterEach
  void noLeaks() throws Exception {
    if (client != null) {
      client.close();
    }
    try {
      assertEquals(List.of(), leaks.leaks(), "Netty leak reports");
    } finally {
      leaks.close();
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  /**
   * The test's client connection: its requests share one event loop in the proxy, so a warm-up
   * leaves a pooled backend connection that the next request is sure to be given.
   */
  private SocketExchange.Connection client;

  /** One request through the proxy on the test's connection (a new one if the last was closed). */
  private SocketExchange exchange(String method, String path, byte[] body, Duration pauseAfterHead) throws Exception {
    if (client == null) {
      client = new SocketExchange.Connection(proxy.endpoint(), proxy.admin(), CLIENT_WAIT);
    }
    SocketExchange r = client.send(method, path, body, pauseAfterHead);
    if (r.closed() || r.status() < 0) {
      client.close();
      client = null;
    }
    return r;
  }

  private SocketExchange get(String path) throws Exception {
    return exchange("GET", path, new byte[0], Duration.ZERO);
  }

  /** A request the fake answers at once: the pool then holds a used keep-alive connection. */
  private void warmUp() throws Exception {
    SocketExchange warm = get("/warm/up");
    assertEquals(200, warm.status(), warm.head());
    proxy.spy().clear();
  }

  private static void assertUnavailable(SocketExchange r) {
    assertEquals(503, r.status(), r.head() + "\n" + r.bodyUtf8());
    assertEquals("ServiceUnavailable", RawS3Client.element(r.bodyUtf8(), "Code"), r.bodyUtf8());
    assertEquals("1", r.header("Retry-After"), r.head());
    assertTrue(r.complete(), "a whole error document");
  }

  private static void assertWithin(Duration atLeast, Duration atMost, SocketExchange r) {
    assertTrue(r.millis() >= atLeast.toMillis() - 50, "answered after " + r.millis() + " ms, before the timeout of " + atLeast);
    assertTrue(r.millis() <= atMost.toMillis(), "answered after " + r.millis() + " ms, bound " + atMost);
  }

  private static void assertTruncated(SocketExchange r, long announced) {
    assertEquals(200, r.status(), r.head());
    assertEquals(announced, r.contentLength());
    assertTrue(r.body().length < announced, "got " + r.body().length + " of " + announced + " bytes");
    assertTrue(r.closed(), "the proxy closed the client connection");
  }

  /** The proxy closed every backend connection it gave up on, and still serves the next request. */
  private void assertRecovered() throws Exception {
    long deadline = System.nanoTime() + MARGIN.toNanos();
    while (proxy.spy().openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, proxy.spy().openConnections(), "backend connections left open: " + proxy.spy().faultEvents());
    assertServesNext();
  }

  private void assertServesNext() throws Exception {
    script = BackendSpy.Responder.always(CannedResponse.of(200, "text/plain", "fine"));
    SocketExchange next = SocketExchange.send(proxy.endpoint(), proxy.admin(), "GET", "/bkt/next", new byte[0],
        Duration.ZERO, CLIENT_WAIT);
    assertEquals(200, next.status(), next.head());
    assertEquals("fine", next.bodyUtf8());
    assertEquals(List.of(), proxy.spy().failures(), "the spy's view");
  }

  @Test
  void refusedConnectionIs503AtOnce() throws Exception {
    proxy.spy().refuseConnections();
    SocketExchange r = get("/bkt/k");
    assertEquals(List.of(), proxy.spy().requests(), "nothing reached the refusing backend");
    assertEquals(List.of(), proxy.spy().failures(), "the spy's view");
    assertUnavailable(r);
    assertWithin(Duration.ZERO, Duration.ofSeconds(1).plus(MARGIN), r);
    assertFalse(r.closed() && !r.complete(), "a whole answer on a usable connection");
  }

  @Test
  void stallBeforeTheHeadersIs503AfterTheResponseTimeout() throws Exception {
    warmUp();
    script = BackendSpy.Responder.always(CannedResponse.stall());
    SocketExchange r = get("/bkt/k");
    assertUnavailable(r);
    assertWithin(RESPONSE, RESPONSE.plus(MARGIN), r);
    assertEquals(1, proxy.spy().requests().size(), "a stall is not retried");
    assertRecovered();
    assertEquals(1, proxy.spy().stalledConnectionsClosedByProxy());
  }

  @Test
  void aSlowHeadWithinTheTimeoutIsServed() throws Exception {
    script = BackendSpy.Responder.always(CannedResponse.of(200, "text/plain", "late").delayedBy(Duration.ofMillis(700)));
    SocketExchange r = get("/bkt/k");
    assertEquals(200, r.status(), r.head());
    assertEquals("late", r.bodyUtf8());
  }

  @Test
  void stallMidGetClosesTheClientConnectionAfterTheIdleTimeout() throws Exception {
    byte[] object = bytes(1 << 20);
    script = BackendSpy.Responder.always(CannedResponse.of(200).withBody(object).cutAfter(100_000, Fault.STALL));
    SocketExchange r = get("/bkt/k");
    assertTruncated(r, object.length);
    assertArrayEquals(java.util.Arrays.copyOf(object, r.body().length), r.body(), "the bytes that came are the object's");
    assertWithin(IDLE, IDLE.plus(MARGIN), r);
    assertRecovered();
    assertEquals(1, proxy.spy().stalledConnectionsClosedByProxy());
  }

  @ParameterizedTest
  @CsvSource({"CLOSE", "RESET"})
  void backendDyingMidGetClosesTheClientConnectionAtOnce(Fault fault) throws Exception {
    byte[] object = bytes(1 << 20);
    script = BackendSpy.Responder.always(CannedResponse.of(200).withBody(object).cutAfter(300_000, fault));
    SocketExchange r = get("/bkt/k");
    assertTruncated(r, object.length);
    assertWithin(Duration.ZERO, MARGIN, r);
    assertRecovered();
  }

  @Test
  void resetBeforeTheHeadIs503AfterOneRetryOnAFreshConnection() throws Exception {
    warmUp();
    script = BackendSpy.Responder.always(CannedResponse.resetConnection());
    SocketExchange r = get("/bkt/k");
    assertUnavailable(r);
    assertWithin(Duration.ZERO, MARGIN, r);
    assertEquals(2, proxy.spy().requests().size(), "the pooled connection, then one fresh one");
    assertRecovered();
  }

  @Test
  void aFreshConnectionClosedBeforeTheHeadIs503WithoutRetry() throws Exception {
    script = BackendSpy.Responder.always(CannedResponse.hangUp());
    SocketExchange r = get("/bkt/k");
    assertUnavailable(r);
    assertEquals(1, proxy.spy().requests().size(), "nothing suggests a stale connection: no retry");
    assertRecovered();
  }

  /** The first request after the warm-up meets a dead pooled connection; the rest are answered. */
  private static BackendSpy.Responder deadOnce(CannedResponse fault, CannedResponse then) {
    AtomicInteger calls = new AtomicInteger();
    return r -> calls.getAndIncrement() == 0 ? fault : then;
  }

  @Test
  void aGetOnADeadPooledConnectionIsRetriedOnceAndServed() throws Exception {
    warmUp();
    script = deadOnce(CannedResponse.hangUp(), CannedResponse.of(200, "text/plain", "second try"));
    SocketExchange r = get("/bkt/k");
    assertEquals(200, r.status(), r.head());
    assertEquals("second try", r.bodyUtf8());
    List<ReceivedRequest> got = proxy.spy().requests();
    assertEquals(2, got.size());
    assertEquals(got.get(0).target(), got.get(1).target());
  }

  @Test
  void aSmallPutOnADeadPooledConnectionIsReplayedWithItsBody() throws Exception {
    warmUp();
    script = deadOnce(CannedResponse.hangUp(), CannedResponse.of(200).withHeader("ETag", "\"e\""));
    byte[] object = bytes(20_000);
    SocketExchange r = exchange("PUT", "/bkt/small", object, Duration.ZERO);
    assertEquals(200, r.status(), r.head());
    List<ReceivedRequest> got = proxy.spy().requests();
    assertEquals(2, got.size());
    assertArrayEquals(object, got.get(0).body());
    assertArrayEquals(object, got.get(1).body(), "the replay carries the same body");
  }

  @Test
  void aPutTooLargeToReplayIsNotRetried() throws Exception {
    warmUp();
    script = deadOnce(CannedResponse.hangUp(), CannedResponse.of(200));
    SocketExchange r = exchange("PUT", "/bkt/large", bytes(300_000), Duration.ZERO);
    assertUnavailable(r);
    assertEquals(1, proxy.spy().requests().size(), "its body is gone: no second attempt");
    assertRecovered();
  }

  @Test
  void aNonIdempotentRequestSentWholeIsNotRetried() throws Exception {
    warmUp();
    script = deadOnce(CannedResponse.hangUp(), CannedResponse.of(200));
    SocketExchange r = exchange("POST", "/bkt/k?uploads", new byte[0], Duration.ZERO);
    assertUnavailable(r);
    assertEquals(1, proxy.spy().requests().size(), "CreateMultipartUpload may have happened: never twice");
    assertRecovered();
  }

  @ParameterizedTest
  @CsvSource({"CLOSE", "RESET"})
  void backendDyingMidPutFailsTheUploadAndNothingIsStored(Fault fault) throws Exception {
    proxy.spy().cutRequestBodies(new BackendSpy.RequestFault(64 * 1024, fault));
    script = BackendSpy.Responder.always(CannedResponse.of(200));
    SocketExchange r = exchange("PUT", "/bkt/big", bytes(4 << 20), Duration.ZERO);
    assertFailedUpload(r);
    assertWithin(Duration.ZERO, MARGIN, r);
    assertTrue(proxy.spy().requests().isEmpty(), "the backend never received a whole body: " + proxy.spy().requests());
    assertFalse(proxy.spy().faultEvents().isEmpty());
    assertRecovered();
  }

  @Test
  void backendStallingMidPutFailsTheUploadAfterTheIdleTimeout() throws Exception {
    proxy.spy().cutRequestBodies(new BackendSpy.RequestFault(0, Fault.STALL));
    script = BackendSpy.Responder.always(CannedResponse.of(200));
    // Larger than what the kernel buffers between proxy and fake can absorb.
    SocketExchange r = exchange("PUT", "/bkt/big", bytes(24 << 20), Duration.ZERO);
    assertFailedUpload(r);
    assertTrue(r.millis() >= IDLE.toMillis() - 50, "gave up after " + r.millis() + " ms");
    assertTrue(r.millis() <= IDLE.plus(MARGIN).plusSeconds(5).toMillis(), "gave up after " + r.millis() + " ms");
    assertTrue(proxy.spy().requests().isEmpty());
    proxy.spy().cutRequestBodies(null);
    script = BackendSpy.Responder.always(CannedResponse.of(200, "text/plain", "fine"));
    SocketExchange next = get("/bkt/next");
    assertEquals(200, next.status(), next.head());
  }

  /**
   * The client either reads the 503 or, still sending, has its connection closed under it; either
   * way it has no success to believe in and no connection left hanging.
   */
  private static void assertFailedUpload(SocketExchange r) {
    if (r.status() != -1) {
      assertEquals(503, r.status(), r.head());
      assertEquals("ServiceUnavailable", RawS3Client.element(r.bodyUtf8(), "Code"));
    }
    assertTrue(r.closed(), "the client connection is closed after a failed upload");
  }

  @ParameterizedTest
  @CsvSource({
    "500, InternalError, We encountered an internal error. Please try again.",
    "503, ServiceUnavailable, Service is unable to handle request.",
    "503, SlowDown, Please reduce your request rate."})
  void backendServerErrorsArePassedOnAsS3Errors(int status, String code, String message) throws Exception {
    script = BackendSpy.Responder.always(CannedResponse.s3Error(status, code, message, "RequestId", "BACKEND-ID")
        .withHeader("Retry-After", "7"));
    SocketExchange r = get("/bkt/k");
    assertEquals(status, r.status(), r.head());
    assertEquals(code, RawS3Client.element(r.bodyUtf8(), "Code"));
    assertEquals(message, RawS3Client.element(r.bodyUtf8(), "Message"));
    assertFalse(r.bodyUtf8().contains("BACKEND-ID"), r.bodyUtf8());
    assertEquals("7", r.header("Retry-After"), "the backend's own back-off hint is kept");
    assertFalse(r.closed());
    assertServesNext();
  }

  @Test
  void aSlowTrickleThatNeverPausesAsLongAsTheIdleTimeoutIsServedWhole() throws Exception {
    byte[] object = bytes(12_000);
    // 3.6 s in all, longer than either timeout: only silence counts, not the total.
    script = BackendSpy.Responder.always(CannedResponse.of(200).withBody(object).trickled(1000, Duration.ofMillis(300)));
    SocketExchange r = get("/bkt/k");
    assertEquals(200, r.status(), r.head());
    assertArrayEquals(object, r.body());
    assertTrue(r.millis() > RESPONSE.toMillis(), "the trickle took " + r.millis() + " ms");
  }

  @Test
  void aTrickleThatFallsSilentLongerThanTheIdleTimeoutIsCut() throws Exception {
    byte[] object = bytes(4000);
    script = BackendSpy.Responder.always(CannedResponse.of(200).withBody(object).trickled(1000, Duration.ofMillis(2500)));
    SocketExchange r = get("/bkt/k");
    assertTruncated(r, object.length);
    assertWithin(IDLE, IDLE.plus(MARGIN), r);
  }

  @Test
  void aClientThatStopsReadingIsNotTheBackendsStall() throws Exception {
    byte[] object = bytes(32 << 20);
    script = BackendSpy.Responder.always(CannedResponse.of(200).withBody(object));
    // The client pauses longer than the idle timeout; the proxy stops reading the backend meanwhile.
    SocketExchange r = exchange("GET", "/bkt/k", new byte[0], IDLE.multipliedBy(2));
    assertEquals(200, r.status(), r.head());
    assertTrue(r.complete(), "got " + r.body().length + " of " + object.length);
    assertArrayEquals(object, r.body());
  }

  @Test
  void aBackendThatKeepsFailingIsAnsweredAtOnceUntilAProbeSucceeds() throws Exception {
    script = BackendSpy.Responder.always(CannedResponse.hangUp());
    for (int i = 0; i < 3; i++) {
      assertUnavailable(get("/bkt/k"));
    }
    assertEquals(3, proxy.spy().requests().size());
    SocketExchange refused = get("/bkt/k");
    assertUnavailable(refused);
    assertTrue(RawS3Client.element(refused.bodyUtf8(), "Message").contains("not sent"), refused.bodyUtf8());
    assertEquals(3, proxy.spy().requests().size(), "refused without trying the backend");

    Thread.sleep(1100); // the open period: then one request probes
    script = BackendSpy.Responder.always(CannedResponse.of(200, "text/plain", "back"));
    SocketExchange probe = get("/bkt/k");
    assertEquals(200, probe.status(), probe.head());
    assertEquals("back", probe.bodyUtf8());
    assertEquals(200, get("/bkt/k").status(), "closed again");
  }
}
