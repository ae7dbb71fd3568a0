package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class CleartextKeyringFormatTest {
  private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String KEY_B = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

  @Test
  void roundTripsAGeneratedKeyring() {
    SecureRandom random = Sessions.seededRandom(5);
    Keyring keyring = Keyring.generate(random).withNewKey(random).rotated(random);
    int middle = keyring.entries().get(1).id();
    keyring = keyring.withStatus(middle, KeyStatus.DISABLED);
    String text = CleartextKeyringFormat.write(keyring);
    assertEquals(keyring, CleartextKeyringFormat.parse(text));
    assertEquals(4, text.lines().count(), text.replaceAll("[A-Za-z0-9+/]{43}=", "<key>"));
  }

  @Test
  void writesOneLinePerKey() {
    byte[] a = new byte[32];
    for (int i = 0; i < 32; i++) {
      a[i] = (byte) i;
    }
    Keyring keyring = new Keyring(java.util.List.of(new KeyringEntry(7, KeyStatus.ENABLED, true, a)));
    assertEquals("# tokengate keyring: id status primary|- base64(32-byte key)\n7 ENABLED primary " + KEY_A + "\n",
        CleartextKeyringFormat.write(keyring));
  }

  @Test
  void ignoresCommentsBlankLinesAndCrlf() {
    Keyring keyring = CleartextKeyringFormat.parse(
        "# rotated 2024-05-24\r\n\r\n  7 ENABLED -  " + KEY_A + "\r\n8\tENABLED\tprimary\t" + KEY_B + "\r\n");
    assertEquals(8, keyring.primary().id());
    assertEquals(2, keyring.entries().size());
  }

  @Test
  void namesTheLineAndTheRule() {
    assertEquals("keyring line 2: expected 4 fields 'id status primary|- base64key', found 3",
        parseError("# header\n7 ENABLED primary"));
    assertEquals("keyring line 1: key id 'x7' is not a 32-bit integer", parseError("x7 ENABLED primary " + KEY_A));
    assertEquals("keyring line 1: status 'ON' is not one of [ENABLED, DISABLED]", parseError("7 ON primary " + KEY_A));
    assertEquals("keyring line 1: third field must be 'primary' or '-', not 'yes'", parseError("7 ENABLED yes " + KEY_A));
    assertEquals("keyring line 1: key 7 is not valid base64", parseError("7 ENABLED primary not*base64"));
    assertEquals("keyring line 1: key 7 must be 32 bytes, not 16",
        parseError("7 ENABLED primary AAECAwQFBgcICQoLDA0ODw=="));
    assertEquals("duplicate key id 7", parseError("7 ENABLED primary " + KEY_A + "\n7 ENABLED - " + KEY_B));
    assertEquals("keyring must have exactly one primary key, found 2",
        parseError("7 ENABLED primary " + KEY_A + "\n8 ENABLED primary " + KEY_B));
    assertEquals("keyring must have at least one key", parseError("# nothing\n"));
  }

  @Test
  void errorsDoNotQuoteKeyMaterial() {
    String message = parseError("7 ENABLED primary " + KEY_A.substring(0, 20) + "!" + KEY_A.substring(21));
    assertTrue(!message.contains(KEY_A.substring(0, 10)), message);
  }

  private static String parseError(String text) {
    return assertThrows(IllegalArgumentException.class, () -> CleartextKeyringFormat.parse(text)).getMessage();
  }
}
