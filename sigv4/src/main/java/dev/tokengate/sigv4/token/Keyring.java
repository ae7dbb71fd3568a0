package dev.tokengate.sigv4.token;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable set of token-sealing keys with ids and exactly one primary, in Tink's keyset
 * shape: the primary seals, every enabled key opens the tokens that name its id.
 *
 * <p>The constructor enforces, with a message naming the rule: at least one key; ids unique;
 * every key {@value KeyringEntry#KEY_BYTES} bytes; exactly one primary; the primary enabled.
 *
 * <p>Rotation across replicas is three steps, each a new keyring distributed to every replica
 * before the next: {@link #withNewKey} (every replica can now open the new key's tokens), {@link
 * #withPrimary} (new tokens use it), and, once the old key's tokens have expired, {@link
 * #withoutKey} (retire it). A single replica can use {@link #rotated} for the first two at once.
 */
public final class Keyring {
  private final List<KeyringEntry> entries;
  private final KeyringEntry primary;

  /**
   * @throws IllegalArgumentException if a rule above is broken
   */
  public Keyring(List<KeyringEntry> entries) {
    this.entries = List.copyOf(entries);
    if (this.entries.isEmpty()) {
      throw new IllegalArgumentException("keyring must have at least one key");
    }
    Set<Integer> ids = new HashSet<>();
    KeyringEntry found = null;
    int primaries = 0;
    for (KeyringEntry e : this.entries) {
      if (!ids.add(e.id())) {
        throw new IllegalArgumentException("duplicate key id " + e.id());
      }
      if (e.keyNoCopy().length != KeyringEntry.KEY_BYTES) {
        throw new IllegalArgumentException("key " + e.id() + " must be " + KeyringEntry.KEY_BYTES
            + " bytes, not " + e.keyNoCopy().length);
      }
      if (e.primary()) {
        primaries++;
        found = e;
      }
    }
    if (primaries != 1) {
      throw new IllegalArgumentException(
          "keyring must have exactly one primary key, found " + primaries);
    }
    if (found.status() != KeyStatus.ENABLED) {
      throw new IllegalArgumentException(
          "primary key " + found.id() + " must be ENABLED, is " + found.status());
    }
    this.primary = found;
  }

  /** A new keyring of one random primary key with a random id. */
  public static Keyring generate(SecureRandom random) {
    return new Keyring(List.of(KeyringEntry.generate(newId(random, Set.of()), random).withPrimary(true)));
  }

  /** The key that seals new tokens. */
  public KeyringEntry primary() {
    return primary;
  }

  /** Every key, primary included, in keyring order. */
  public List<KeyringEntry> entries() {
    return entries;
  }

  /** The key with this id, whatever its status. */
  public Optional<KeyringEntry> find(int id) {
    for (KeyringEntry e : entries) {
      if (e.id() == id) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** This keyring plus a fresh enabled, non-primary key with a new random id. */
  public Keyring withNewKey(SecureRandom random) {
    Set<Integer> taken = new HashSet<>();
    entries.forEach(e -> taken.add(e.id()));
    return withKey(KeyringEntry.generate(newId(random, taken), random));
  }

  /**
   * This keyring plus a given key (imported, or made by {@link KeyringEntry#generate}).
   *
   * @throws IllegalArgumentException if its id is taken or it breaks another rule
   */
  public Keyring withKey(KeyringEntry entry) {
    List<KeyringEntry> next = new ArrayList<>(entries);
    if (entry.primary()) {
      next.replaceAll(e -> e.withPrimary(false));
    }
    next.add(entry);
    return new Keyring(next);
  }

  /**
   * This keyring with key {@code id} as the primary.
   *
   * @throws IllegalArgumentException if there is no such key or it is not enabled
   */
  public Keyring withPrimary(int id) {
    require(id);
    List<KeyringEntry> next = new ArrayList<>(entries);
    next.replaceAll(e -> e.withPrimary(e.id() == id));
    return new Keyring(next);
  }

  /**
   * This keyring with key {@code id} set to {@code status}.
   *
   * @throws IllegalStateException when disabling the primary (make another key primary first)
   */
  public Keyring withStatus(int id, KeyStatus status) {
    if (require(id).primary() && status != KeyStatus.ENABLED) {
      throw new IllegalStateException(
          "cannot disable primary key " + id + "; make another key primary first");
    }
    List<KeyringEntry> next = new ArrayList<>(entries);
    next.replaceAll(e -> e.id() == id ? e.withStatus(status) : e);
    return new Keyring(next);
  }

  /**
   * This keyring without key {@code id}: its tokens no longer open, on any replica given it.
   *
   * @throws IllegalStateException when retiring the primary (make another key primary first)
   */
  public Keyring withoutKey(int id) {
    if (require(id).primary()) {
      throw new IllegalStateException(
          "cannot retire primary key " + id + "; make another key primary first");
    }
    List<KeyringEntry> next = new ArrayList<>(entries);
    next.removeIf(e -> e.id() == id);
    return new Keyring(next);
  }

  /** A new random key made primary at once; for a single replica (see the class comment). */
  public Keyring rotated(SecureRandom random) {
    Keyring added = withNewKey(random);
    return added.withPrimary(added.entries.get(added.entries.size() - 1).id());
  }

  private KeyringEntry require(int id) {
    return find(id).orElseThrow(() -> new IllegalArgumentException("no key " + id + " in keyring"));
  }

  // Positive ids read better in the text form; uniqueness is all that matters.
  private static int newId(SecureRandom random, Set<Integer> taken) {
    int id;
    do {
      id = 1 + random.nextInt(Integer.MAX_VALUE - 1);
    } while (taken.contains(id));
    return id;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Keyring k && entries.equals(k.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "Keyring" + entries;
  }
}
