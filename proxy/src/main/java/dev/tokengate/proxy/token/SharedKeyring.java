package dev.tokengate.proxy.token;

import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyring that seals session tokens, kept in the state store ({@code keyring/sessions}) so
 * that every replica seals and opens with the same keys and rotates together: a change written by
 * one replica reaches the others' {@link KeyringAead} through the store's watch. On the first start
 * with an empty store, an existing {@code <dataDir>/keyring} file is imported (tokens issued before
 * keep opening), else a fresh keyring is made; afterwards the store wins and the file is not read.
 */
public final class SharedKeyring implements AutoCloseable {
  static final String KEY = "keyring/sessions";
  private static final Logger LOG = LoggerFactory.getLogger(SharedKeyring.class);
  private static final int ATTEMPTS = 8;

  private final StateStore store;
  private final KeyringAead aead;
  private final AutoCloseable watch;

  private SharedKeyring(StateStore store, KeyringAead aead) throws StateException {
    this.store = store;
    this.aead = aead;
    this.watch = store.watch(KEY, change -> {
      if (change.deleted()) {
        LOG.error("the keyring was deleted from the state store; the last one stays in force");
        return;
      }
      try {
        aead.use(Keyring.parse(new String(change.value(), StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        LOG.error("keyring change not applied, the last one stays in force: {}", e.getMessage());
      }
    });
  }

  /**
   * @throws IOException when the store cannot be read or holds a keyring that does not parse
   */
  public static SharedKeyring open(StateStore store, Path dataDir, SecureRandom random) throws IOException {
    try {
      Keyring keyring = read(store).orElse(null);
      if (keyring == null) {
        Keyring initial = Files.exists(KeyringFile.path(dataDir))
            ? KeyringFile.loadOrCreate(dataDir, random) : Keyring.generate(random);
        try {
          store.put(KEY, initial.toText().getBytes(StandardCharsets.UTF_8), StateStore.ABSENT);
          keyring = initial;
        } catch (StateException.Conflict another) {
          keyring = read(store).orElseThrow(() -> new IOException("the keyring vanished from the state store"));
        }
      }
      SharedKeyring shared = new SharedKeyring(store, new KeyringAead(keyring, random));
      // A change between the read and the watch's start: read once more.
      read(store).ifPresent(shared.aead::use);
      return shared;
    } catch (StateException e) {
      throw new IOException("cannot read the keyring from the state store: " + e.getMessage(), e);
    }
  }

  private static Optional<Keyring> read(StateStore store) throws StateException, IOException {
    Optional<StateStore.Entry> e = store.get(KEY);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Keyring.parse(new String(e.get().value(), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException bad) {
      throw new IOException("state entry " + KEY + ": " + bad.getMessage(), bad);
    }
  }

  public KeyringAead aead() {
    return aead;
  }

  /**
   * Applies {@code change} to the stored keyring (compare-and-set, retried on a concurrent change)
   * and uses the result here at once.
   *
   * @throws StateException when the store cannot be reached or keeps changing
   */
  public Keyring update(UnaryOperator<Keyring> change) throws StateException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      StateStore.Entry current = store.get(KEY).orElseThrow(() -> new StateException("no keyring in the store"));
      Keyring next = change.apply(Keyring.parse(new String(current.value(), StandardCharsets.UTF_8)));
      try {
        store.put(KEY, next.toText().getBytes(StandardCharsets.UTF_8), current.revision());
        aead.use(next);
        return next;
      } catch (StateException.Conflict raced) {
        // another replica changed it: apply ours to theirs
      }
    }
    throw new StateException("the keyring keeps changing; retry");
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("closing the keyring watch: {}", e.getMessage());
    }
  }
}
