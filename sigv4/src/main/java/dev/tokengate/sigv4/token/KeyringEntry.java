package dev.tokengate.sigv4.token;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * One key of a {@link Keyring}: its id (written into every token it seals), status, whether it is
 * the primary, and 32 bytes of AES-256 key material.
 *
 * <p>The key material is copied in and out, and {@link #toString()} leaves it out, so it cannot
 * reach a log by accident. Sizes are checked by {@link Keyring}, which names the key at fault.
 */
public record KeyringEntry(int id, KeyStatus status, boolean primary, byte[] key) {
  /** AES-256. */
  public static final int KEY_BYTES = 32;

  public KeyringEntry {
    Objects.requireNonNull(status, "status");
    key = Objects.requireNonNull(key, "key").clone();
  }

  /** A new enabled, non-primary entry with fresh random key material. */
  public static KeyringEntry generate(int id, SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return new KeyringEntry(id, KeyStatus.ENABLED, false, key);
  }

  /** A copy of the key material. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** This entry with another status. */
  public KeyringEntry withStatus(KeyStatus newStatus) {
    return new KeyringEntry(id, newStatus, primary, key);
  }

  /** This entry, made primary or not. */
  public KeyringEntry withPrimary(boolean isPrimary) {
    return new KeyringEntry(id, status, isPrimary, key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyringEntry e
        && id == e.id
        && status == e.status
        && primary == e.primary
        && MessageDigest.isEqual(key, e.key);
  }

  @Override
  public int hashCode() {
    // Deliberately not a function of the key material.
    return Objects.hash(id, status, primary);
  }

  @Override
  public String toString() {
    return "KeyringEntry[id=" + id + ", status=" + status + ", primary=" + primary
        + ", key=(" + key.length + " bytes, redacted)]";
  }

  /** Package-private view without a copy, for the sealer's key cache and the text format. */
  byte[] keyNoCopy() {
    return key;
  }
}
