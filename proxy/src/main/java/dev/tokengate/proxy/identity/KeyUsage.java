package dev.tokengate.proxy.identity;

import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When, where and with which service each long-term access key was last used (GetAccessKeyLastUsed).
 * Recording is a map write on the authenticating thread, never I/O: a sweep on a thread of its own
 * stores what changed once a minute (so each key at most once a minute) under {@code
 * usage/access-keys/ID}, outside {@code iam/} so that it never rebuilds the identity view; {@link
 * #close} stores the rest. A crash loses at most the last minute of uses, which only makes a key
 * look older than it is.
 */
public final class KeyUsage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyUsage.class);
  public static final String PREFIX = "usage/access-keys/";
  static final long SWEEP_SECONDS = 60;

  /** The stored document: stable JSON names. */
  public record LastUsed(String lastUsedDate, String serviceName, String region) {}

  private final StateStore state;
  private final Map<String, LastUsed> latest = new ConcurrentHashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final ScheduledThreadPoolExecutor sweeper;

  /** @param state where uses are kept across restarts; null keeps them in memory only */
  public KeyUsage(StateStore state) {
    this.state = state;
    // No thread until the first use: most IdentityStores in tests never see one.
    this.sweeper = state == null ? null : new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "key-usage-writer");
      t.setDaemon(true);
      return t;
    });
  }

  /** A successful authentication with {@code accessKeyId}. */
  public void record(String accessKeyId, String service, String region, Instant at) {
    latest.put(accessKeyId, new LastUsed(at.truncatedTo(ChronoUnit.SECONDS).toString(), service, region));
    if (sweeper != null) {
      dirty.add(accessKeyId);
      if (sweeping.compareAndSet(false, true)) {
        sweeper.scheduleWithFixedDelay(this::store, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  /** The last use seen by this process, if any (a stored one from before a restart is read by the caller). */
  public Optional<LastUsed> recorded(String accessKeyId) {
    return Optional.ofNullable(latest.get(accessKeyId));
  }

  /** A deleted key: its use is no longer recorded (the stored document is the deleter's to remove). */
  public void forget(String accessKeyId) {
    dirty.remove(accessKeyId);
    latest.remove(accessKeyId);
  }

  private void store() {
    for (String id : dirty) {
      dirty.remove(id);
      LastUsed used = latest.get(id);
      if (used == null) {
        continue; // forgotten meanwhile
      }
      try {
        byte[] doc = StoredIdentities.write(used);
        for (int attempt = 0; attempt < 3; attempt++) {
          Optional<StateStore.Entry> current = state.get(PREFIX + id);
          try {
            state.put(PREFIX + id, doc, current.map(StateStore.Entry::revision).orElse(StateStore.ABSENT));
            break;
          } catch (StateException.Conflict e) {
            // a replica stored its own use meanwhile: both are recent, the last writer wins
          }
        }
      } catch (StateException e) {
        dirty.add(id); // the next sweep tries again
        LOG.warn("cannot store the last use of access key {}: {}", id, e.getMessage());
      }
    }
  }

  /** Stores what is pending and stops the sweeper. */
  @Override
  public void close() {
    if (sweeper == null) {
      return;
    }
    sweeper.shutdownNow();
    try {
      sweeper.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store();
  }
}
