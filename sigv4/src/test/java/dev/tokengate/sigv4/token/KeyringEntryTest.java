package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class KeyringEntryTest {

  @Test
  void keyMaterialIsCopiedInAndOut() {
    byte[] material = new byte[32];
    KeyringEntry entry = new KeyringEntry(1, KeyStatus.ENABLED, true, material);
    material[0] = 9;
    assertEquals(0, entry.key()[0]);
    entry.key()[1] = 9;
    assertArrayEquals(new byte[32], entry.key());
  }

  @Test
  void equalityComparesKeyMaterial() {
    byte[] other = new byte[32];
    other[31] = 1;
    KeyringEntry a = new KeyringEntry(1, KeyStatus.ENABLED, true, new byte[32]);
    assertEquals(a, new KeyringEntry(1, KeyStatus.ENABLED, true, new byte[32]));
    assertEquals(a.hashCode(), new KeyringEntry(1, KeyStatus.ENABLED, true, other).hashCode());
    assertNotEquals(a, new KeyringEntry(1, KeyStatus.ENABLED, true, other));
    assertNotEquals(a, a.withStatus(KeyStatus.DISABLED));
  }

  @Test
  void toStringRedactsTheKey() {
    assertEquals("KeyringEntry[id=5, status=ENABLED, primary=false, key=(32 bytes, redacted)]",
        KeyringEntry.generate(5, Sessions.seededRandom(1)).toString());
  }
}
