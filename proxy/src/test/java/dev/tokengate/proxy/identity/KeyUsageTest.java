package dev.tokengate.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.state.EmbeddedStateStore;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Last uses are kept in memory at once and stored, off the request path, by the sweep or at close. */
class KeyUsageTest {
  @TempDir Path dir;

  @Test
  void aUseIsVisibleAtOnceAndStoredOnlyWhenClosed() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      KeyUsage usage = new KeyUsage(store);
      usage.record("AKIAONE", "s3", "eu-west-1", Instant.parse("2024-05-01T12:00:10.750Z"));
      usage.record("AKIAONE", "sts", "us-east-1", Instant.parse("2024-05-01T12:00:11.250Z"));
      assertEquals(new KeyUsage.LastUsed("2024-05-01T12:00:11Z", "sts", "us-east-1"),
          usage.recorded("AKIAONE").orElseThrow());
      assertTrue(store.get(KeyUsage.PREFIX + "AKIAONE").isEmpty(), "recording does no I/O; the sweep is a minute off");
      usage.close();
      assertEquals(new KeyUsage.LastUsed("2024-05-01T12:00:11Z", "sts", "us-east-1"), StoredIdentities.read(
          store.get(KeyUsage.PREFIX + "AKIAONE").orElseThrow().value(), KeyUsage.LastUsed.class, "k"));
    }
  }

  @Test
  void aForgottenKeyIsNeitherKeptNorStored() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      KeyUsage usage = new KeyUsage(store);
      usage.record("AKIATWO", "s3", "us-east-1", Instant.now());
      usage.forget("AKIATWO");
      usage.close();
      assertTrue(usage.recorded("AKIATWO").isEmpty());
      assertTrue(store.list(KeyUsage.PREFIX).isEmpty());
    }
  }

  @Test
  void withoutAStoreUsesStayInMemory() {
    KeyUsage usage = new KeyUsage(null);
    usage.record("AKIATHREE", "iam", "us-east-1", Instant.parse("2024-05-01T00:00:00Z"));
    usage.close();
    assertEquals("iam", usage.recorded("AKIATHREE").orElseThrow().serviceName());
  }
}
