package dev.tokengate.proxy.backend;

import static dev.tokengate.proxy.backend.BackendCircuit.Admission.ALLOWED;
import static dev.tokengate.proxy.backend.BackendCircuit.Admission.PROBE;
import static dev.tokengate.proxy.backend.BackendCircuit.Admission.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states, on a hand-driven clock. */
class BackendCircuitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final BackendCircuit circuit = new BackendCircuit(3, Duration.ofSeconds(5), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertEquals(ALLOWED, circuit.admit());
      circuit.failed(false);
    }
  }

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    fail(2);
    circuit.succeeded(false); // a success in between resets the count
    fail(2);
    assertEquals(ALLOWED, circuit.admit());
    circuit.failed(false);
    assertEquals(REFUSED, circuit.admit());
  }

  @Test
  void oneProbeAtATimeAfterTheOpenPeriodAndItsSuccessCloses() {
    fail(3);
    advance(Duration.ofMillis(4999));
    assertEquals(REFUSED, circuit.admit());
    advance(Duration.ofMillis(1));
    assertEquals(PROBE, circuit.admit());
    assertEquals(REFUSED, circuit.admit(), "while the probe is out, the rest are still refused");
    circuit.succeeded(true);
    assertEquals(ALLOWED, circuit.admit());
    assertEquals(ALLOWED, circuit.admit());
  }

  @Test
  void aFailedProbeOpensItAgainForAFullPeriod() {
    fail(3);
    advance(Duration.ofSeconds(5));
    assertEquals(PROBE, circuit.admit());
    advance(Duration.ofSeconds(2));
    circuit.failed(true);
    advance(Duration.ofSeconds(4));
    assertEquals(REFUSED, circuit.admit());
    advance(Duration.ofSeconds(1));
    assertEquals(PROBE, circuit.admit());
  }

  @Test
  void anAbandonedProbeLetsTheNextRequestProbe() {
    fail(3);
    advance(Duration.ofSeconds(5));
    assertEquals(PROBE, circuit.admit());
    circuit.abandoned(true);
    assertEquals(PROBE, circuit.admit());
  }

  @Test
  void zeroThresholdNeverOpens() {
    BackendCircuit off = new BackendCircuit(0, Duration.ofSeconds(5), now::get);
    for (int i = 0; i < 100; i++) {
      assertEquals(ALLOWED, off.admit());
      off.failed(false);
    }
  }
}
