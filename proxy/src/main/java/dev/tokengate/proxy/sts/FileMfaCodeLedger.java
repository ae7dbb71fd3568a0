package dev.tokengate.proxy.sts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last accepted TOTP step of each MFA device, kept in {@code <dataDir>/mfa-used-steps.json} so
 * that a code used before a restart stays used after it. Decisions are made in memory (atomically
 * per device, on the STS call's thread); the file is rewritten on a thread of its own, since the
 * call runs on an event loop that must not block, and flushed on {@link #close}. The file is
 * replaced atomically, so a crash leaves the previous version, never half of one.
 */
public final class FileMfaCodeLedger implements MfaCodeLedger, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileMfaCodeLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Long> last = new ConcurrentHashMap<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "mfa-ledger-writer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean writePending = new AtomicBoolean();

  private FileMfaCodeLedger(Path file) {
    this.file = file;
  }

  /** Opens (or starts) the ledger of {@code dataDir}. */
  public static FileMfaCodeLedger open(Path dataDir) throws IOException {
    FileMfaCodeLedger ledger = new FileMfaCodeLedger(dataDir.resolve("mfa-used-steps.json"));
    if (Files.exists(ledger.file)) {
      Map<String, Long> stored = JSON.readValue(ledger.file.toFile(), new TypeReference<Map<String, Long>>() {});
      ledger.last.putAll(stored);
    }
    return ledger;
  }

  @Override
  public boolean consume(String device, long step) {
    boolean[] accepted = {false};
    last.compute(device, (d, previous) -> {
      accepted[0] = previous == null || step > previous;
      return accepted[0] ? step : previous;
    });
    if (accepted[0] && writePending.compareAndSet(false, true)) {
      writer.execute(this::write);
    }
    return accepted[0];
  }

  private void write() {
    writePending.set(false);
    try {
      Path tmp = Files.createTempFile(file.getParent(), "mfa-used-steps", ".tmp");
      JSON.writeValue(tmp.toFile(), new TreeMap<>(last));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // The in-memory ledger still refuses replays; only a restart before the next write could not.
      LOG.error("cannot store the MFA ledger {}: {}", file, e.toString());
    }
  }

  /** Writes what is pending and stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.error("the MFA ledger writer did not finish within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!last.isEmpty()) {
      write();
    }
  }

  /** The last accepted step of {@code device}, or null; for tests and diagnostics. */
  Long lastStep(String device) {
    return last.get(device);
  }
}
