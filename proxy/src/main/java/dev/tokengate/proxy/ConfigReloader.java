package dev.tokengate.proxy;

import dev.tokengate.proxy.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot reload: the configuration file is read again when its bytes change (checked every few
 * seconds on a thread of its own) and handed on whole. A file that does not load or that the
 * consumer refuses (IllegalArgumentException naming the problem) changes nothing: the running
 * configuration stays, and the error is logged until the file changes again.
 */
final class ConfigReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final Path file;
  private final Consumer<ProxyConfig> apply;
  private final ScheduledExecutorService timer;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private byte[] last;

  ConfigReloader(Path file, Duration every, Consumer<ProxyConfig> apply) throws IOException {
    this.file = file;
    this.apply = apply;
    this.last = Files.readAllBytes(file);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tokengate-config-reload");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    byte[] now;
    try {
      now = Files.readAllBytes(file);
    } catch (IOException e) {
      return; // being replaced, or gone for a moment: the next check sees it
    }
    if (Arrays.equals(now, last)) {
      return;
    }
    last = now;
    try {
      apply.accept(ProxyConfig.load(file));
      applied.incrementAndGet();
      LOG.info("configuration {} reloaded: users, roles, policies and identity providers in force", file);
    } catch (IOException | RuntimeException e) {
      refused.incrementAndGet();
      LOG.error("configuration {} not reloaded, the running one stays: {}", file, e.getMessage());
    }
  }

  /** Reloads taken so far. */
  long applied() {
    return applied.get();
  }

  /** Changed files refused so far. */
  long refused() {
    return refused.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
