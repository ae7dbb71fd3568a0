package dev.tokengate.proxy.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyring rules, their messages, rotation and retirement, the text form and the keyring file. */
class KeyringTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final byte[] K1 = bytes(32, 1);
  static final byte[] K2 = bytes(32, 2);
  static final String B64 = Base64.getEncoder().encodeToString(K1);

  static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  private static String invalid(List<Keyring.Key> keys) {
    return assertThrows(IllegalArgumentException.class, () -> new Keyring(keys)).getMessage();
  }

  private static String unparsable(String text) {
    return assertThrows(IllegalArgumentException.class, () -> Keyring.parse(text)).getMessage();
  }

  @Test
  void validationMessagesNameTheBrokenRule() {
    assertEquals("keyring must have exactly one primary key, has 0", invalid(List.of()));
    assertEquals("keyring must have exactly one primary key, has 0", invalid(List.of(new Keyring.Key(1, K1, false))));
    assertEquals("keyring must have exactly one primary key, has 2",
        invalid(List.of(new Keyring.Key(1, K1, true), new Keyring.Key(2, K2, true))));
    assertEquals("keyring has key id 1 twice", invalid(List.of(new Keyring.Key(1, K1, true), new Keyring.Key(1, K2, false))));
    assertEquals("keyring key 3 must be 32 bytes (AES-256), got 31", invalid(List.of(new Keyring.Key(3, bytes(31, 0), true))));
    assertEquals("keyring key 4 must be 32 bytes (AES-256), got 33", invalid(List.of(new Keyring.Key(4, bytes(33, 0), true))));
    assertEquals("keyring key 5 must be 32 bytes (AES-256), got 16",
        invalid(List.of(new Keyring.Key(1, K1, true), new Keyring.Key(5, bytes(16, 0), false))));
  }

  @Test
  void generateMakesOneRandomPrimaryKey() {
    Keyring a = Keyring.generate(RANDOM);
    Keyring b = Keyring.generate(RANDOM);
    assertTrue(a.primary().primary());
    assertEquals(32, a.primary().material().length);
    assertTrue(a.primary().id() >= 0);
    assertNotNull(a.find(a.primary().id()));
    assertFalse(java.util.Arrays.equals(a.primary().material(), b.primary().material()));
  }

  @Test
  void rotateAddsANewPrimaryAndKeepsTheOldKeys() {
    Keyring first = Keyring.generate(RANDOM);
    Keyring second = first.rotate(RANDOM);
    Keyring third = second.rotate(RANDOM);
    int id1 = first.primary().id();
    int id2 = second.primary().id();
    int id3 = third.primary().id();
    assertNotEquals(id1, id2);
    assertNotEquals(id2, id3);
    assertNotEquals(id1, id3);
    assertFalse(third.find(id1).primary());
    assertFalse(third.find(id2).primary());
    assertTrue(third.find(id3).primary());
    assertArrayEquals(first.primary().material(), third.find(id1).material());
    assertFalse(java.util.Arrays.equals(first.primary().material(), second.primary().material()));
    // Immutable: the keyring that was rotated is unchanged.
    assertEquals(id1, first.primary().id());
    assertNull(first.find(id2));

    Keyring retired = third.retireAllButPrimary();
    assertEquals(id3, retired.primary().id());
    assertNull(retired.find(id1));
    assertNull(retired.find(id2));
    assertNotNull(third.find(id1), "retiring returns a new keyring");
  }

  @Test
  void textFormRoundTrips() {
    Keyring ring = Keyring.generate(RANDOM).rotate(RANDOM).rotate(RANDOM);
    String text = ring.toText();
    assertTrue(text.startsWith("#"), "the text form documents itself in a comment: " + text);
    Keyring parsed = Keyring.parse(text);
    assertEquals(text, parsed.toText());
    assertEquals(ring.primary().id(), parsed.primary().id());
    for (String line : text.split("\n")) {
      if (!line.startsWith("#")) {
        int id = Integer.parseInt(line.split(" ")[0]);
        assertArrayEquals(ring.find(id).material(), parsed.find(id).material());
        assertEquals(ring.find(id).primary(), parsed.find(id).primary());
      }
    }
  }

  @Test
  void parseIgnoresCommentsBlankLinesCrlfAndExtraSpace() {
    String k2 = Base64.getEncoder().encodeToString(K2);
    Keyring k = Keyring.parse("# comment\r\n\r\n  7\tactive   " + B64 + "  \r\n   # another\r\n9 primary " + k2 + "\r\n");
    assertEquals(9, k.primary().id());
    assertArrayEquals(K2, k.primary().material());
    assertArrayEquals(K1, k.find(7).material());
    assertFalse(k.find(7).primary());
  }

  @Test
  void malformedLinesAreNamedByTheirLineNumber() {
    String shape = " must be '<id> primary|active <base64 key>' with a unique id";
    assertEquals("keyring line 1" + shape, unparsable("7 primary\n"));
    assertEquals("keyring line 1" + shape, unparsable("7 primary " + B64 + " extra\n"));
    assertEquals("keyring line 1" + shape, unparsable("7 secondary " + B64 + "\n"));
    assertEquals("keyring line 1" + shape, unparsable("7 PRIMARY " + B64 + "\n"));
    // Line numbers count comments and blank lines, so they match what an editor shows.
    assertEquals("keyring line 4" + shape, unparsable("# keys\n\n7 primary " + B64 + "\n7 active " + B64 + "\n"));
    assertEquals("keyring line 2: bad id or base64 key", unparsable("# x\nseven primary " + B64 + "\n"));
    assertEquals("keyring line 1: bad id or base64 key", unparsable("99999999999 primary " + B64 + "\n"));
    assertEquals("keyring line 1: bad id or base64 key", unparsable("7 primary not*base64!\n"));
    assertEquals("keyring key 7 must be 32 bytes (AES-256), got 31",
        unparsable("7 primary " + Base64.getEncoder().encodeToString(bytes(31, 9)) + "\n"));
    assertEquals("keyring must have exactly one primary key, has 0", unparsable("7 active " + B64 + "\n"));
    assertEquals("keyring must have exactly one primary key, has 0", unparsable(""));
    assertEquals("keyring must have exactly one primary key, has 0", unparsable("# only a comment\n"));
  }

  @Test
  void keyringFileIsCreatedOncePrivateAndRewrittenAtomically(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("data");
    Keyring created = KeyringFile.loadOrCreate(dataDir, RANDOM);
    Path file = KeyringFile.path(dataDir);
    assertTrue(Files.exists(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(created.toText(), KeyringFile.loadOrCreate(dataDir, RANDOM).toText(), "a second start reuses the keyring");

    Keyring rotated = created.rotate(RANDOM);
    KeyringFile.write(dataDir, rotated);
    assertEquals(rotated.toText(), KeyringFile.loadOrCreate(dataDir, RANDOM).toText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var files = Files.list(dataDir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }

    Files.writeString(file, "1 primary short\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyringFile.loadOrCreate(dataDir, RANDOM));
    assertTrue(e.getMessage().startsWith(file + ": keyring line 1"), e.getMessage());
  }
}
