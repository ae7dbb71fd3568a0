package dev.tokengate.proxy.state;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The proxy's mutable state (identities created through the IAM API, and what else must survive
 * restarts and be shared by replicas), as small documents under slash-separated keys, each with a
 * revision that grows with every change. Writes are compare-and-set on that revision, so two
 * writers never silently overwrite each other. Implementations are thread-safe; the request path
 * never calls them (it reads in-memory views fed by {@link #watch}).
 */
public interface StateStore extends AutoCloseable {

  /** A document and the revision it was written at. */
  record Entry(String key, byte[] value, long revision) {}

  /** A change seen by a watcher: the new entry, or for a deletion, the key with a null value. */
  record Change(String key, byte[] value, long revision) {
    public boolean deleted() {
      return value == null;
    }
  }

  /** The revision a write expects when the key must not exist yet. */
  long ABSENT = 0;

  Optional<Entry> get(String key) throws StateException;

  /** Every entry whose key starts with {@code prefix}, in key order. */
  List<Entry> list(String prefix) throws StateException;

  /**
   * Writes {@code value} if the key is at {@code expectedRevision} ({@link #ABSENT}: not there).
   *
   * @return the new revision
   * @throws StateException.Conflict when the key is at another revision
   */
  long put(String key, byte[] value, long expectedRevision) throws StateException;

  /**
   * Removes the key if it is at {@code expectedRevision}.
   *
   * @throws StateException.Conflict when the key is absent or at another revision
   */
  void delete(String key, long expectedRevision) throws StateException;

  /**
   * Calls {@code listener} with every later change under {@code prefix}, on a thread of the
   * store's, in revision order.
   *
   * @return stops the watch
   */
  AutoCloseable watch(String prefix, Consumer<Change> listener) throws StateException;

  /**
   * When the store last answered, for a store that can become unreachable (etcd); empty for one
   * that is always at hand (embedded files).
   */
  default Optional<java.time.Instant> lastContact() {
    return Optional.empty();
  }

  @Override
  void close();
}
