package dev.tokengate.proxy.token;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The AES-256 keys that seal session tokens: each has an id, exactly one is primary (it seals new
 * tokens), and every key present still opens the tokens it sealed until it is retired (removed).
 * Immutable: rotation returns a new keyring.
 *
 * <p>Text form, one key per line: {@code <id> primary|active <base64 key>}.
 */
public final class Keyring {

  /** One key. */
  public record Key(int id, byte[] material, boolean primary) {}

  private final Map<Integer, Key> keys;
  private final Key primary;

  /** @throws IllegalArgumentException naming the broken rule */
  public Keyring(List<Key> keys) {
    Map<Integer, Key> byId = new LinkedHashMap<>();
    Key first = null;
    int primaries = 0;
    for (Key k : keys) {
      if (k.material().length != 32) {
        throw new IllegalArgumentException("keyring key " + k.id() + " must be 32 bytes (AES-256), got " + k.material().length);
      }
      if (byId.put(k.id(), k) != null) {
        throw new IllegalArgumentException("keyring has key id " + k.id() + " twice");
      }
      if (k.primary()) {
        primaries++;
        first = k;
      }
    }
    if (primaries != 1) {
      throw new IllegalArgumentException("keyring must have exactly one primary key, has " + primaries);
    }
    this.keys = byId;
    this.primary = first;
  }

  /** A keyring of one fresh random primary key. */
  public static Keyring generate(SecureRandom random) {
    return new Keyring(List.of(new Key(random.nextInt() & 0x7fffffff, randomKey(random), true)));
  }

  /** Adds a fresh key and makes it the primary; the old keys stay to open older tokens. */
  public Keyring rotate(SecureRandom random) {
    int id;
    do {
      id = random.nextInt() & 0x7fffffff;
    } while (keys.containsKey(id));
    List<Key> next = new ArrayList<>();
    for (Key k : keys.values()) {
      next.add(new Key(k.id(), k.material(), false));
    }
    next.add(new Key(id, randomKey(random), true));
    return new Keyring(next);
  }

  /** Removes every key but the primary: tokens they sealed stop opening. */
  public Keyring retireAllButPrimary() {
    return new Keyring(List.of(primary));
  }

  /** Every key, in the keyring's order. */
  public List<Key> keys() {
    return List.copyOf(keys.values());
  }

  public Key primary() {
    return primary;
  }

  /** The key with this id, or null. */
  public Key find(int id) {
    return keys.get(id);
  }

  public String toText() {
    StringBuilder out = new StringBuilder("# tokengate session-token keyring: <id> primary|active <base64 AES-256 key>\n");
    for (Key k : keys.values()) {
      out.append(k.id()).append(' ').append(k.primary() ? "primary" : "active").append(' ')
          .append(Base64.getEncoder().encodeToString(k.material())).append('\n');
    }
    return out.toString();
  }

  /** @throws IllegalArgumentException naming the line that is wrong */
  public static Keyring parse(String text) {
    List<Key> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 3 || !(parts[1].equals("primary") || parts[1].equals("active")) || !seen.add(parts[0])) {
        throw new IllegalArgumentException("keyring line " + (i + 1) + " must be '<id> primary|active <base64 key>' with a unique id");
      }
      try {
        keys.add(new Key(Integer.parseInt(parts[0]), Base64.getDecoder().decode(parts[2]), parts[1].equals("primary")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("keyring line " + (i + 1) + ": bad id or base64 key", e);
      }
    }
    return new Keyring(keys);
  }

  private static byte[] randomKey(SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }
}
