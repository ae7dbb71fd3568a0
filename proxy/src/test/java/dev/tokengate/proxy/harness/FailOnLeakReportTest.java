package dev.tokengate.proxy.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The class-end check does fail on a leak, and passes when there is none. */
class FailOnLeakReportTest {

  @Test
  void aLeakedBufferFailsTheCheck() throws Exception {
    FailOnLeakReport.collect(); // start clean
    leak();
    AssertionError failure = null;
    for (int i = 0; i < 20 && failure == null; i++) {
      failure = failureOrNull();
    }
    assertTrue(failure != null, "the leaked buffer was never reported");
    assertTrue(failure.getMessage().contains("LEAK:"), failure.getMessage());
    assertEquals(0, FailOnLeakReport.collect().size(), "the reports were consumed");
  }

  @Test
  void noLeakPasses() throws Exception {
    FailOnLeakReport.collect();
    PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
    new FailOnLeakReport().afterAll(null);
  }

  private static AssertionError failureOrNull() {
    try {
      new FailOnLeakReport().afterAll(null);
      return null;
    } catch (AssertionError e) {
      return e;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One call site: Netty reports a given leak trace once per JVM. */
  private static void leak() {
    PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(1); // never released, on purpose
  }
}
