package dev.tokengate.proxy.state;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store in etcd, for replicas that share it: every key under a prefix, a key's revision
 * its etcd mod revision, writes as transactions comparing that revision (absent: version 0), and
 * changes pushed by etcd watches. Every call is bounded by a timeout and fails as a {@link
 * StateException}; a probe every second records the last contact, which callers use to keep
 * serving from the last state seen for a bounded time and then fail closed.
 */
public final class EtcdStateStore implements StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdStateStore.class);

  private final Client client;
  private final KV kv;
  private final String prefix;
  private final Duration timeout;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "etcd-state");
    t.setDaemon(true);
    return t;
  });
  /**
   * Watch listeners run here, in revision order, never on the client's own threads: a listener
   * that reads the store (the identity view re-lists) would otherwise wait on itself.
   */
  private final java.util.concurrent.ExecutorService deliveries = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "etcd-watch");
    t.setDaemon(true);
    return t;
  });
  private volatile Instant lastContact;

  private EtcdStateStore(List<String> endpoints, String prefix, Duration timeout) {
    this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).connectTimeout(timeout).build();
    this.kv = client.getKVClient();
    this.prefix = prefix;
    this.timeout = timeout;
  }

  /** Connects and reads once, so an unreachable etcd at start is an error, not a silent empty state. */
  public static EtcdStateStore open(List<String> endpoints, String prefix, Duration timeout) throws StateException {
    EtcdStateStore store = new EtcdStateStore(endpoints, prefix, timeout);
    try {
      store.probe();
    } catch (StateException e) {
      store.close();
      throw new StateException("etcd at " + endpoints + " is unreachable: " + e.getMessage(), e);
    }
    store.timer.scheduleWithFixedDelay(() -> {
      try {
        store.probe();
      } catch (StateException e) {
        LOG.debug("etcd probe failed: {}", e.getMessage());
      }
    }, 1, 1, TimeUnit.SECONDS);
    return store;
  }

  private void probe() throws StateException {
    await(kv.get(bytes(prefix), GetOption.builder().withCountOnly(true).build()));
  }

  /** When etcd last answered. */
  @Override
  public Optional<Instant> lastContact() {
    return Optional.ofNullable(lastContact);
  }

  private <T> T await(CompletableFuture<T> call) throws StateException {
    try {
      T result = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      lastContact = Instant.now();
      return result;
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new StateException("etcd did not answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw new StateException("etcd: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateException("interrupted waiting for etcd");
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private String ourKey(KeyValue kv) {
    return kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
  }

  @Override
  public Optional<Entry> get(String key) throws StateException {
    GetResponse r = await(kv.get(bytes(prefix + key)));
    if (r.getKvs().isEmpty()) {
      return Optional.empty();
    }
    KeyValue v = r.getKvs().get(0);
    return Optional.of(new Entry(key, v.getValue().getBytes(), v.getModRevision()));
  }

  @Override
  public List<Entry> list(String keyPrefix) throws StateException {
    GetResponse r = await(kv.get(bytes(prefix + keyPrefix), GetOption.builder().isPrefix(true)
        .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build()));
    List<Entry> entries = new ArrayList<>();
    for (KeyValue v : r.getKvs()) {
      entries.add(new Entry(ourKey(v), v.getValue().getBytes(), v.getModRevision()));
    }
    return entries;
  }

  @Override
  public long put(String key, byte[] value, long expectedRevision) throws StateException {
    ByteSequence k = bytes(prefix + key);
    Cmp expected = expectedRevision == ABSENT
        ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision));
    TxnResponse r = await(kv.txn().If(expected).Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT)).commit());
    if (!r.isSucceeded()) {
      throw new StateException.Conflict(key);
    }
    return r.getHeader().getRevision();
  }

  @Override
  public void delete(String key, long expectedRevision) throws StateException {
    ByteSequence k = bytes(prefix + key);
    TxnResponse r = await(kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)),
        new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0))).Then(Op.delete(k, DeleteOption.DEFAULT)).commit());
    if (!r.isSucceeded()) {
      throw new StateException.Conflict(key);
    }
  }

  /**
   * Watches from the store's current revision on. If etcd compacted past what the watch still
   * needs (after a long disconnection), the prefix is listed again and the difference delivered as
   * changes, so the listener converges on the current state either way.
   */
  @Override
  public AutoCloseable watch(String keyPrefix, Consumer<Change> listener) throws StateException {
    GetResponse now = await(kv.get(bytes(prefix + keyPrefix), GetOption.builder().isPrefix(true).withKeysOnly(true)
        .build()));
    Set<String> known = new HashSet<>();
    now.getKvs().forEach(v -> known.add(ourKey(v)));
    PrefixWatch w = new PrefixWatch(keyPrefix, listener, known);
    w.start(now.getHeader().getRevision() + 1);
    return w;
  }

  private final class PrefixWatch implements AutoCloseable {
    private final String keyPrefix;
    private final Consumer<Change> listener;
    private final Set<String> known;
    private volatile Watch.Watcher watcher;
    private volatile long next;
    private volatile boolean closed;

    PrefixWatch(String keyPrefix, Consumer<Change> listener, Set<String> known) {
      this.keyPrefix = keyPrefix;
      this.listener = listener;
      this.known = known;
    }

    synchronized void start(long fromRevision) {
      if (closed) {
        return;
      }
      next = fromRevision;
      WatchOption options = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
      watcher = client.getWatchClient().watch(bytes(prefix + keyPrefix), options, Watch.listener(
          response -> {
            try {
              deliveries.execute(() -> deliver(response));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
              // the store is closing
            }
          }, error -> restartLater(error.getMessage())));
    }

    private void deliver(io.etcd.jetcd.watch.WatchResponse response) {
      if (closed) {
        return;
      }
      for (WatchEvent e : response.getEvents()) {
        KeyValue v = e.getKeyValue();
        String key = ourKey(v);
        if (e.getEventType() == WatchEvent.EventType.DELETE) {
          known.remove(key);
          listener.accept(new Change(key, null, v.getModRevision()));
        } else if (e.getEventType() == WatchEvent.EventType.PUT) {
          known.add(key);
          listener.accept(new Change(key, v.getValue().getBytes(), v.getModRevision()));
        }
        next = Math.max(next, v.getModRevision() + 1);
      }
    }

    private void restartLater(String why) {
      if (closed) {
        return;
      }
      LOG.warn("etcd watch on {} failed ({}); resuming", keyPrefix, why);
      try {
        timer.schedule(() -> deliveries.execute(this::resume), 1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // the store is closing
      }
    }

    /** Re-lists the prefix (etcd may have compacted what we missed) and delivers the difference. */
    private void resume() {
      if (closed) {
        return;
      }
      try {
        Watch.Watcher old = watcher;
        if (old != null) {
          old.close();
        }
        GetResponse r = await(kv.get(bytes(prefix + keyPrefix), GetOption.builder().isPrefix(true).build()));
        Set<String> present = new HashSet<>();
        for (KeyValue v : r.getKvs()) {
          String key = ourKey(v);
          present.add(key);
          if (v.getModRevision() >= next || !known.contains(key)) {
            listener.accept(new Change(key, v.getValue().getBytes(), v.getModRevision()));
          }
        }
        for (String gone : Set.copyOf(known)) {
          if (!present.contains(gone)) {
            listener.accept(new Change(gone, null, r.getHeader().getRevision()));
          }
        }
        known.clear();
        known.addAll(present);
        start(r.getHeader().getRevision() + 1);
      } catch (StateException e) {
        restartLater(e.getMessage());
      }
    }

    @Override
    public void close() {
      closed = true;
      Watch.Watcher w = watcher;
      if (w != null) {
        w.close();
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    deliveries.shutdownNow();
    client.close();
  }
}
