package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyringTest {
  private final SecureRandom random = Sessions.seededRandom(3);

  private static KeyringEntry key(int id, boolean primary) {
    return new KeyringEntry(id, KeyStatus.ENABLED, primary, new byte[32]);
  }

  @Test
  void generatesOneEnabledPrimaryKey() {
    Keyring keyring = Keyring.generate(random);
    assertEquals(1, keyring.entries().size());
    KeyringEntry primary = keyring.primary();
    assertTrue(primary.primary());
    assertEquals(KeyStatus.ENABLED, primary.status());
    assertEquals(32, primary.key().length);
    assertTrue(primary.id() > 0);
  }

  @Test
  void rejectsKeyringsThatBreakARuleAndSaysWhich() {
    assertEquals("keyring must have at least one key",
        assertThrows(IllegalArgumentException.class, () -> new Keyring(List.of())).getMessage());
    assertEquals("keyring must have exactly one primary key, found 0",
        assertThrows(IllegalArgumentException.class, () -> new Keyring(List.of(key(1, false)))).getMessage());
    assertEquals("keyring must have exactly one primary key, found 2",
        assertThrows(IllegalArgumentException.class,
            () -> new Keyring(List.of(key(1, true), key(2, true)))).getMessage());
    assertEquals("duplicate key id 7",
        assertThrows(IllegalArgumentException.class,
            () -> new Keyring(List.of(key(7, true), key(7, false)))).getMessage());
    assertEquals("key 7 must be 32 bytes, not 16",
        assertThrows(IllegalArgumentException.class,
            () -> new Keyring(List.of(new KeyringEntry(7, KeyStatus.ENABLED, true, new byte[16])))).getMessage());
    assertEquals("primary key 7 must be ENABLED, is DISABLED",
        assertThrows(IllegalArgumentException.class,
            () -> new Keyring(List.of(new KeyringEntry(7, KeyStatus.DISABLED, true, new byte[32])))).getMessage());
  }

  @Test
  void rotationAddsPromotesAndRetires() {
    Keyring one = Keyring.generate(random);
    int oldId = one.primary().id();

    Keyring added = one.withNewKey(random);
    assertEquals(2, added.entries().size());
    assertEquals(oldId, added.primary().id(), "a new key is not primary until promoted");
    int newId = added.entries().get(1).id();

    Keyring promoted = added.withPrimary(newId);
    assertEquals(newId, promoted.primary().id());
    assertFalse(promoted.find(oldId).orElseThrow().primary());

    Keyring retired = promoted.withoutKey(oldId);
    assertEquals(List.of(newId), retired.entries().stream().map(KeyringEntry::id).toList());
    assertEquals(one, Keyring.generate(Sessions.seededRandom(3)), "generation is a function of the random source");
  }

  @Test
  void rotatedIsAddThenPromote() {
    Keyring one = Keyring.generate(random);
    Keyring rotated = one.rotated(random);
    assertEquals(2, rotated.entries().size());
    assertEquals(rotated.entries().get(1), rotated.primary());
    assertEquals(one.primary().withPrimary(false), rotated.entries().get(0));
  }

  @Test
  void refusesToRetireOrDisableThePrimaryOrToTouchUnknownKeys() {
    Keyring keyring = Keyring.generate(random);
    int id = keyring.primary().id();
    assertEquals("cannot retire primary key " + id + "; make another key primary first",
        assertThrows(IllegalStateException.class, () -> keyring.withoutKey(id)).getMessage());
    assertEquals("cannot disable primary key " + id + "; make another key primary first",
        assertThrows(IllegalStateException.class, () -> keyring.withStatus(id, KeyStatus.DISABLED)).getMessage());
    assertEquals("no key 12 in keyring",
        assertThrows(IllegalArgumentException.class, () -> keyring.withPrimary(12)).getMessage());
  }

  @Test
  void aDisabledKeyCannotBePromoted() {
    Keyring added = Keyring.generate(random).withNewKey(random);
    int second = added.entries().get(1).id();
    Keyring disabled = added.withStatus(second, KeyStatus.DISABLED);
    assertThrows(IllegalArgumentException.class, () -> disabled.withPrimary(second));
    assertEquals(KeyStatus.ENABLED,
        disabled.withStatus(second, KeyStatus.ENABLED).find(second).orElseThrow().status());
  }

  @Test
  void addingAPrimaryKeyDemotesTheOldOne() {
    Keyring keyring = new Keyring(List.of(key(1, true))).withKey(key(2, true));
    assertEquals(2, keyring.primary().id());
    assertEquals(1, keyring.entries().stream().filter(KeyringEntry::primary).count());
    assertEquals("duplicate key id 2",
        assertThrows(IllegalArgumentException.class, () -> keyring.withKey(key(2, false))).getMessage());
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    Keyring keyring = Keyring.generate(random);
    String b64 = java.util.Base64.getEncoder().encodeToString(keyring.primary().key());
    assertFalse(keyring.toString().contains(b64.substring(0, 8)), keyring.toString());
    assertTrue(keyring.toString().contains("redacted"));
  }
}
