package dev.tokengate.proxy.backend;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker in front of the backend, shared by every event loop. After {@code threshold}
 * consecutive failed exchanges (a connect refused or timed out, a stall, a new connection closed
 * before the response) it opens: requests are refused at once for {@code open}, instead of each
 * waiting out a timeout against a backend that is down. Then one request at a time is let through
 * as a probe; its success closes the circuit, its failure opens it again. Any response from the
 * backend, an error response too, is a success: the backend is there.
 *
 * <p>Each method is a few field updates under the monitor, once per exchange: no I/O, nothing that
 * could hold an event loop.
 */
public final class BackendCircuit {
  private static final Logger LOG = LoggerFactory.getLogger(BackendCircuit.class);

  /** A request refused because the circuit is open: it was never sent. */
  public static final class Open extends Exception {
    private static final long serialVersionUID = 1L;

    Open() {
      super("circuit open: the backend failed repeatedly", null, false, false);
    }
  }

  /** Whether an exchange may go to the backend, and if so whether it is the one probe. */
  public enum Admission { ALLOWED, PROBE, REFUSED }

  private final int threshold;
  private final long openNanos;
  private final LongSupplier nanoTime;

  private int consecutiveFailures;
  private boolean open;
  private long openedAt;
  private boolean probing;

  /** @param threshold 0 for a circuit that never opens */
  public BackendCircuit(int threshold, Duration open, LongSupplier nanoTime) {
    this.threshold = threshold;
    this.openNanos = open.toNanos();
    this.nanoTime = nanoTime;
  }

  public static BackendCircuit never() {
    return new BackendCircuit(0, Duration.ZERO, System::nanoTime);
  }

  public synchronized Admission admit() {
    if (!open) {
      return Admission.ALLOWED;
    }
    if (nanoTime.getAsLong() - openedAt < openNanos || probing) {
      return Admission.REFUSED;
    }
    probing = true;
    return Admission.PROBE;
  }

  public synchronized void succeeded(boolean probe) {
    if (open) {
      LOG.info("backend answers again; circuit closed");
    }
    consecutiveFailures = 0;
    open = false;
    if (probe) {
      probing = false;
    }
  }

  public synchronized void failed(boolean probe) {
    consecutiveFailures++;
    if (probe) {
      probing = false;
      openedAt = nanoTime.getAsLong();
    } else if (threshold > 0 && !open && consecutiveFailures >= threshold) {
      open = true;
      openedAt = nanoTime.getAsLong();
      LOG.warn("backend failed {} exchanges in a row; circuit open: requests answered 503 at once for {} ms",
          consecutiveFailures, openNanos / 1_000_000);
    }
  }

  /** The exchange ended without telling anything about the backend (the client went away, say). */
  public synchronized void abandoned(boolean probe) {
    if (probe) {
      probing = false;
    }
  }
}
