package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MFA ledger: each device's steps are accepted once, in increasing order, across restarts. */
class FileMfaCodeLedgerTest {
  private static final String DEVICE = "arn:aws:iam::123456789012:mfa/carol";

  @TempDir Path dir;

  @Test
  void aStepIsAcceptedOnceAndOlderStepsNever() throws Exception {
    try (FileMfaCodeLedger ledger = FileMfaCodeLedger.open(dir)) {
      assertTrue(ledger.consume(DEVICE, 100));
      assertFalse(ledger.consume(DEVICE, 100), "the same step twice");
      assertFalse(ledger.consume(DEVICE, 99), "an older step after a newer one");
      assertTrue(ledger.consume(DEVICE, 101));
      assertTrue(ledger.consume("arn:aws:iam::123456789012:mfa/dave", 100), "devices are independent");
    }
  }

  @Test
  void usedStepsSurviveARestart() throws Exception {
    try (FileMfaCodeLedger ledger = FileMfaCodeLedger.open(dir)) {
      assertTrue(ledger.consume(DEVICE, 500));
    }
    assertTrue(Files.readString(dir.resolve("mfa-used-steps.json")).contains("500"));
    try (FileMfaCodeLedger again = FileMfaCodeLedger.open(dir)) {
      assertEquals(500L, again.lastStep(DEVICE));
      assertFalse(again.consume(DEVICE, 500), "replayed after a restart");
      assertTrue(again.consume(DEVICE, 501));
    }
  }

  @Test
  void concurrentUsesOfOneCodeLetExactlyOneThrough() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (FileMfaCodeLedger ledger = FileMfaCodeLedger.open(dir)) {
      for (long step = 1; step <= 50; step++) {
        long s = step;
        List<Callable<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          tries.add(() -> ledger.consume(DEVICE, s));
        }
        int accepted = 0;
        for (Future<Boolean> f : pool.invokeAll(tries)) {
          accepted += f.get() ? 1 : 0;
        }
        assertEquals(1, accepted, "step " + step);
      }
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void theInMemoryLedgerHasTheSameRule() {
    MfaCodeLedger ledger = MfaCodeLedger.inMemory();
    assertTrue(ledger.consume(DEVICE, 7));
    assertFalse(ledger.consume(DEVICE, 7));
    assertFalse(ledger.consume(DEVICE, 6));
    assertTrue(ledger.consume(DEVICE, 8));
  }
}
