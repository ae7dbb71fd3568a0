package dev.tokengate.proxy.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyring in the state store: imported from the old file once, then the store wins; updates are CAS. */
class SharedKeyringTest {
  final SecureRandom random = new SecureRandom();
  @TempDir Path dataDir;

  @Test
  void anExistingKeyringFileIsImportedOnceThenTheStoreWins() throws Exception {
    Keyring onDisk = Keyring.generate(random);
    KeyringFile.write(dataDir, onDisk);
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dataDir);
        SharedKeyring shared = SharedKeyring.open(store, dataDir, random)) {
      assertEquals(onDisk.primary().id(), shared.aead().keyring().primary().id(), "tokens sealed before keep opening");
    }
    KeyringFile.write(dataDir, Keyring.generate(random)); // a later file is not read
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dataDir);
        SharedKeyring shared = SharedKeyring.open(store, dataDir, random)) {
      assertEquals(onDisk.primary().id(), shared.aead().keyring().primary().id());
    }
  }

  @Test
  void aRotationOnOneReplicaReachesAnotherThroughTheWatch() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dataDir);
        SharedKeyring a = SharedKeyring.open(store, dataDir, random);
        SharedKeyring b = SharedKeyring.open(store, dataDir, random)) {
      assertEquals(a.aead().keyring().primary().id(), b.aead().keyring().primary().id(), "one keyring for both");
      String sealedBefore = a.aead().seal("x".getBytes(StandardCharsets.UTF_8), new byte[0]);
      Keyring rotated = a.update(k -> k.rotate(random));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (b.aead().keyring().primary().id() != rotated.primary().id() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(rotated.primary().id(), b.aead().keyring().primary().id());
      assertEquals("x", new String(b.aead().open(sealedBefore, new byte[0]), StandardCharsets.UTF_8));
      a.update(Keyring::retireAllButPrimary);
      deadline = System.nanoTime() + 5_000_000_000L;
      while (b.aead().keyring().keys().size() != 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThrows(KeyringAead.NotOpened.class, () -> b.aead().open(sealedBefore, new byte[0]));
    }
  }

  @Test
  void aStoredKeyringThatDoesNotParseStopsTheStartNamingTheEntry() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dataDir)) {
      store.put(SharedKeyring.KEY, "garbage".getBytes(StandardCharsets.UTF_8), StateStore.ABSENT);
      IOException e = assertThrows(IOException.class, () -> SharedKeyring.open(store, dataDir, random));
      assertTrue(e.getMessage().contains(SharedKeyring.KEY), e.getMessage());
    }
  }

  @Test
  void aFreshStoreWithoutAFileGetsAFreshKeyring() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dataDir);
        SharedKeyring shared = SharedKeyring.open(store, dataDir, random)) {
      assertTrue(store.get(SharedKeyring.KEY).isPresent());
      assertNotEquals(0, shared.aead().keyring().keys().size());
    }
  }
}
