package dev.tokengate.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.identity.StoredIdentities.StoredMfaDevice;
import dev.tokengate.proxy.identity.StoredIdentities.StoredUser;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored, enabled virtual MFA device gives its user the seed and serial number STS checks. */
class StoredMfaDeviceViewTest {
  @TempDir Path dir;

  @Test
  void anEnabledDeviceIsItsUsersMfaAndAnUnassignedOneIsNobodys() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put(StoredIdentities.USERS + "gina", StoredIdentities.write(new StoredUser("gina", "/team/", "AIDAGINA",
          "2024-01-01T00:00:00Z", Map.of(), List.of(), null, Map.of())), StateStore.ABSENT);
      store.put(StoredIdentities.USERS + "hank", StoredIdentities.write(new StoredUser("hank", "/", "AIDAHANK",
          "2024-01-01T00:00:00Z", Map.of(), List.of(), null, Map.of())), StateStore.ABSENT);
      store.put(StoredIdentities.MFA_DEVICES + "gina-phone", StoredIdentities.write(new StoredMfaDevice("gina-phone",
          "/devices/", "JBSWY3DPEHPK3PXP", "2024-01-01T00:00:00Z", "gina", "2024-01-02T00:00:00Z", Map.of())),
          StateStore.ABSENT);
      store.put(StoredIdentities.MFA_DEVICES + "loose", StoredIdentities.write(new StoredMfaDevice("loose", "/",
          "MZXW6YTBOI", "2024-01-01T00:00:00Z", null, null, Map.of())), StateStore.ABSENT);
      IdentityStore identities = new IdentityStore(ProxyConfig.defaults(), null, store);
      User gina = identities.findUser("gina").orElseThrow();
      assertEquals("JBSWY3DPEHPK3PXP", gina.mfaSecret());
      assertEquals("arn:aws:iam::123456789012:mfa/devices/gina-phone", gina.mfaSerial());
      assertNull(identities.findUser("hank").orElseThrow().mfaSerial());
      assertEquals(2, identities.mfaDevices().size());
    }
  }

  @Test
  void aDeviceDocumentWithAnUnknownFieldIsRefused() {
    byte[] doc = ("{\"name\":\"x\",\"path\":\"/\",\"seed\":\"AA\",\"createDate\":\"d\",\"tags\":{},\"counter\":1}")
        .getBytes(StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class,
        () -> StoredIdentities.read(doc, StoredMfaDevice.class, StoredIdentities.MFA_DEVICES + "x"));
  }
}
