package dev.tokengate.sigv4.token;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes and reads a {@link Keyring} as text with the key material in the clear, one line per
 * key, so the proxy can persist it to a file (which it must keep at mode 0600).
 *
 * <pre>
 * # tokengate keyring: id status primary|- base64(32-byte key)
 * 1906524147 ENABLED primary q3Jm...=
 * 77 ENABLED - Zm9v...=
 * </pre>
 *
 * <p>"Cleartext" in the name is Tink's warning ({@code CleartextKeysetHandle}): whoever holds
 * this text can forge any session token. Blank lines and lines starting with {@code #} are
 * ignored. Parsing checks every line and then every {@link Keyring} rule, with line numbers.
 */
public final class CleartextKeyringFormat {
  private static final String HEADER = "# tokengate keyring: id status primary|- base64(32-byte key)";
  private static final String PRIMARY = "primary";
  private static final String SECONDARY = "-";

  private CleartextKeyringFormat() {}

  /** The keyring as text, ending in a newline. */
  public static String write(Keyring keyring) {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (KeyringEntry e : keyring.entries()) {
      out.append(e.id()).append(' ')
          .append(e.status().name()).append(' ')
          .append(e.primary() ? PRIMARY : SECONDARY).append(' ')
          .append(Base64.getEncoder().encodeToString(e.keyNoCopy())).append('\n');
    }
    return out.toString();
  }

  /**
   * Parses text written by {@link #write}.
   *
   * @throws IllegalArgumentException naming the line and the rule it breaks
   */
  public static Keyring parse(String text) {
    List<KeyringEntry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        entries.add(parseLine(line, i + 1));
      }
    }
    return new Keyring(entries);
  }

  private static KeyringEntry parseLine(String line, int number) {
    String[] f = line.split("\\s+");
    if (f.length != 4) {
      throw bad(number, "expected 4 fields 'id status primary|- base64key', found " + f.length);
    }
    int id;
    try {
      id = Integer.parseInt(f[0]);
    } catch (NumberFormatException e) {
      throw bad(number, "key id '" + f[0] + "' is not a 32-bit integer");
    }
    KeyStatus status;
    try {
      status = KeyStatus.valueOf(f[1]);
    } catch (IllegalArgumentException e) {
      throw bad(number, "status '" + f[1] + "' is not one of " + List.of(KeyStatus.values()));
    }
    if (!f[2].equals(PRIMARY) && !f[2].equals(SECONDARY)) {
      throw bad(number, "third field must be '" + PRIMARY + "' or '" + SECONDARY + "', not '" + f[2] + "'");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(f[3]);
    } catch (IllegalArgumentException e) {
      // The message of the JDK decoder would quote part of the key; keep it out.
      throw bad(number, "key " + id + " is not valid base64");
    }
    if (key.length != KeyringEntry.KEY_BYTES) {
      throw bad(number, "key " + id + " must be " + KeyringEntry.KEY_BYTES + " bytes, not " + key.length);
    }
    return new KeyringEntry(id, status, f[2].equals(PRIMARY), key);
  }

  private static IllegalArgumentException bad(int line, String why) {
    return new IllegalArgumentException("keyring line " + line + ": " + why);
  }
}
