package dev.tokengate.proxy.state;

import dev.tokengate.proxy.s3.BucketName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document per bucket that the proxy keeps itself (a bucket policy, a CORS configuration), in
 * the state store under {@code PREFIX + BUCKET}. Reads are served from memory, on any thread, fed by
 * the store's watch (another replica's change) and by these writes (read-your-writes); a watch
 * report older than what is known is ignored. Changes run one at a time, in the order asked, on a
 * writer thread of their own (store I/O never blocks an event loop), as compare-and-set writes;
 * memory changes only once the store did.
 *
 * @param <T> the parsed document
 */
public final class BucketDocuments<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BucketDocuments.class);
  private static final int ATTEMPTS = 16;

  /** Reads a stored value; a value that is not a document of this kind is refused with a reason. */
  @FunctionalInterface
  public interface Reader<T> {
    /** @throws RuntimeException saying why {@code value} is not a document */
    T read(String bucket, byte[] value);
  }

  /** A bucket's document at a store revision; {@code document} null for a deletion seen at it. */
  private record Entry<T>(T document, long revision) {}

  private final StateStore state;
  private final String prefix;
  private final String kind;
  private final Reader<T> reader;
  private final Map<String, Entry<T>> documents = new ConcurrentHashMap<>();
  private final AutoCloseable watch;
  private final Executor writer;

  /**
   * Reads every stored document and starts following changes.
   *
   * @param kind what a document is, for messages ("bucket policy")
   * @throws StateException when the store cannot be read, or a stored document does not read
   *     (named: a document is never dropped silently, it might hold a Deny)
   */
  public BucketDocuments(StateStore state, String prefix, String kind, Reader<T> reader) throws StateException {
    this.state = state;
    this.prefix = prefix;
    this.kind = kind;
    this.reader = reader;
    String threadName = kind.replace(' ', '-') + "-writer";
    // One thread at most, none while idle.
    this.writer = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    this.watch = state.watch(prefix, this::apply);
    for (StateStore.Entry e : state.list(prefix)) {
      String bucket = e.key().substring(prefix.length());
      T document;
      try {
        document = reader.read(bucket, e.value());
      } catch (RuntimeException bad) {
        throw new StateException("state entry " + e.key() + " is not a " + kind + ": " + bad.getMessage(), bad);
      }
      remember(bucket, new Entry<>(document, e.revision()));
    }
  }

  /** Every bucket with a document now, and its document. */
  public Map<String, T> all() {
    Map<String, T> out = new java.util.TreeMap<>();
    documents.forEach((b, e) -> {
      if (e.document() != null) {
        out.put(b, e.document());
      }
    });
    return out;
  }

  /** The bucket's document, if it has one. */
  public Optional<T> find(String bucket) {
    Entry<T> e = bucket == null ? null : documents.get(bucket);
    return e == null ? Optional.empty() : Optional.ofNullable(e.document());
  }

  /**
   * Stores {@code document} (serialized as {@code value}) in place of any previous one.
   *
   * @return completes once stored and in force here; fails with a {@link CompletionException}
   *     caused by {@link StateException} when the store could not take it (nothing changed then)
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Void> put(String bucket, T document, byte[] value) {
    String key = key(bucket);
    return CompletableFuture.runAsync(() -> {
      try {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
          long expected = state.get(key).map(StateStore.Entry::revision).orElse(StateStore.ABSENT);
          try {
            remember(bucket, new Entry<>(document, state.put(key, value, expected)));
            return;
          } catch (StateException.Conflict raced) {
            // another replica changed it between our read and write: read again
          }
        }
        throw new StateException("the " + kind + " of " + bucket + " keeps changing; not stored");
      } catch (StateException e) {
        throw new CompletionException(e);
      }
    }, writer);
  }

  /**
   * Removes the bucket's document, if it has one.
   *
   * @return completes with true if it had one, once the removal is stored and in force here; fails
   *     with a {@link CompletionException} caused by {@link StateException} when the store could
   *     not be changed (the document then stays in force)
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Boolean> delete(String bucket) {
    String key = key(bucket);
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
          Optional<StateStore.Entry> current = state.get(key);
          if (current.isEmpty()) {
            return false;
          }
          try {
            state.delete(key, current.get().revision());
            // No change to the key came between that revision and the deletion (the CAS held),
            // so a later watch report of anything at or below it is stale.
            long deleted = current.get().revision();
            documents.compute(bucket, (b, known) -> known == null || known.revision() <= deleted
                ? new Entry<>(null, deleted) : known);
            return true;
          } catch (StateException.Conflict raced) {
            // changed meanwhile: read again
          }
        }
        throw new StateException("the " + kind + " of " + bucket + " keeps changing; not deleted");
      } catch (StateException e) {
        throw new CompletionException(e);
      }
    }, writer);
  }

  /** Keeps what is newer than what is known: a watch may report a change already applied here. */
  private void remember(String bucket, Entry<T> entry) {
    documents.merge(bucket, entry, (known, seen) -> seen.revision() > known.revision() ? seen : known);
  }

  private void apply(StateStore.Change change) {
    String bucket = change.key().substring(prefix.length());
    if (change.deleted()) {
      remember(bucket, new Entry<>(null, change.revision()));
      return;
    }
    try {
      remember(bucket, new Entry<>(reader.read(bucket, change.value()), change.revision()));
    } catch (RuntimeException e) {
      // Only a hand-written entry can be malformed (writers validate); the last good one stays.
      LOG.error("state entry {} is not a {}, not applied: {}", change.key(), kind, e.getMessage());
    }
  }

  private String key(String bucket) {
    checkName(bucket);
    return prefix + bucket;
  }

  /** @throws IllegalArgumentException when {@code bucket} could not be a key: not a bucket name */
  public static void checkName(String bucket) {
    // Nothing but [a-z0-9.-], no "..", no separator.
    if (!BucketName.isValid(bucket)) {
      throw new IllegalArgumentException("not a valid bucket name: " + bucket);
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("closing the {} watch: {}", kind, e.getMessage());
    }
  }
}
