package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.List;
import java.util.Optional;

/**
 * Reads and compare-and-set writes of the stored identity documents. A write that meets a
 * concurrent change re-reads and retries (bounded); a store that cannot be reached answers 503, so
 * nothing is half-done and the client may retry.
 */
final class IamState {
  private static final int ATTEMPTS = 8;

  private final StateStore store;
  private final Runnable afterWrite;

  /** @param afterWrite brings the caller's view up to date after each write (read-your-writes) */
  IamState(StateStore store, Runnable afterWrite) {
    this.store = store;
    this.afterWrite = afterWrite;
  }

  <T> Optional<T> read(String key, Class<T> type) throws StsException {
    try {
      return store.get(key).map(e -> StoredIdentities.read(e.value(), type, key));
    } catch (StateException e) {
      throw unavailable(e);
    }
  }

  /** Every document under {@code prefix}, in key order. */
  <T> List<T> list(String prefix, Class<T> type) throws StsException {
    try {
      return store.list(prefix).stream().map(e -> StoredIdentities.read(e.value(), type, e.key())).toList();
    } catch (StateException e) {
      throw unavailable(e);
    }
  }

  /** Creates the document; false when the key exists already. */
  boolean create(String key, Object doc) throws StsException {
    try {
      store.put(key, StoredIdentities.write(doc), StateStore.ABSENT);
      afterWrite.run();
      return true;
    } catch (StateException.Conflict e) {
      return false;
    } catch (StateException e) {
      throw unavailable(e);
    }
  }

  /**
   * Applies {@code change} to the current document (which must exist) and writes the result.
   *
   * @param change may throw an {@link StsException} (a limit, a conflict) to write nothing
   */
  <T> T update(String key, Class<T> type, Change<T> change) throws StsException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Optional<StateStore.Entry> current = store.get(key);
        if (current.isEmpty()) {
          throw new StsException(StsError.NO_SUCH_ENTITY, "The entity " + key.substring(key.lastIndexOf('/') + 1)
              + " cannot be found.");
        }
        T next = change.apply(StoredIdentities.read(current.get().value(), type, key));
        store.put(key, StoredIdentities.write(next), current.get().revision());
        afterWrite.run();
        return next;
      } catch (StateException.Conflict e) {
        // changed meanwhile: read again
      } catch (StateException e) {
        throw unavailable(e);
      }
    }
    throw new StsException(StsError.SERVICE_UNAVAILABLE, "Rate exceeded: " + key + " keeps changing; retry.");
  }

  /** Removes the document if it is there; false when it was not. */
  boolean delete(String key) throws StsException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Optional<StateStore.Entry> current = store.get(key);
        if (current.isEmpty()) {
          return false;
        }
        store.delete(key, current.get().revision());
        afterWrite.run();
        return true;
      } catch (StateException.Conflict e) {
        // changed meanwhile: read again
      } catch (StateException e) {
        throw unavailable(e);
      }
    }
    throw new StsException(StsError.SERVICE_UNAVAILABLE, "Rate exceeded: " + key + " keeps changing; retry.");
  }

  private static StsException unavailable(StateException e) {
    return new StsException(StsError.SERVICE_UNAVAILABLE, "The identity store is unavailable: " + e.getMessage());
  }

  /** A change to a stored document; it may refuse by throwing. */
  @FunctionalInterface
  interface Change<T> {
    T apply(T current) throws StsException;
  }
}
