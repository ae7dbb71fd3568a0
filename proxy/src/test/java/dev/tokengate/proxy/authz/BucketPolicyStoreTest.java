package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketPolicyStoreTest {
  static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
      + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::%s/*\"}]}";

  static final BucketPolicyValidator VALIDATOR = new BucketPolicyValidator("123456789012",
      new BucketPolicyValidator.KnownPrincipals() {
        @Override
        public boolean hasUser(String name) {
          return false;
        }

        @Override
        public boolean hasRole(String name) {
          return false;
        }
      });

  @TempDir Path dataDir;

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  /** A policy as the store keeps it. */
  private static byte[] stored(String policy) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
        java.util.Map.of("policy", policy, "confirmRemoveSelfBucketAccess", false));
  }

  @Test
  void aPolicyPutConfirmingTheRootsLockOutSaysSoAfterARestart() throws Exception {
    BucketPolicyStore store = open();
    done(store.put("bkt9", POLICY.formatted("bkt9"), true));
    assertTrue(store.rootLockedOut("bkt9"));
    assertTrue(open().rootLockedOut("bkt9"));
    done(store.put("bkt9", POLICY.formatted("bkt9")));
    assertFalse(open().rootLockedOut("bkt9"));
  }

  private BucketPolicyStore open() throws Exception {
    return new BucketPolicyStore(EmbeddedStateStore.open(dataDir), dataDir, VALIDATOR);
  }

  @Test
  void putIsInForceAndStoredWhenItCompletes() throws Exception {
    BucketPolicyStore store = open();
    done(store.put("bkt1", POLICY.formatted("bkt1")));
    assertNotNull(store.find("bkt1"));
    assertEquals(POLICY.formatted("bkt1"), store.text("bkt1").orElseThrow());
    assertNotNull(open().find("bkt1"), "a restart reads it back");
    assertEquals(POLICY.formatted("bkt1"), open().text("bkt1").orElseThrow());
  }

  @Test
  void deleteRemovesThePolicyAndSaysWhetherThereWasOne() throws Exception {
    BucketPolicyStore store = open();
    done(store.put("bkt2", POLICY.formatted("bkt2")));
    assertTrue(done(store.delete("bkt2")));
    assertNull(store.find("bkt2"));
    assertTrue(store.text("bkt2").isEmpty());
    assertFalse(done(store.delete("bkt2")));
    assertNull(open().find("bkt2"));
  }

  @Test
  void changesApplyInTheOrderAsked() throws Exception {
    BucketPolicyStore store = open();
    CompletableFuture<Void> first = store.put("bkt3", POLICY.formatted("bkt3"));
    CompletableFuture<Boolean> second = store.delete("bkt3");
    CompletableFuture<Void> third = store.put("bkt3", POLICY.formatted("bkt3").replace("GetObject", "GetObjectTagging"));
    CompletableFuture<Boolean> fourth = store.delete("bkt3");
    done(first);
    assertTrue(done(second));
    done(third);
    assertTrue(done(fourth));
    assertNull(store.find("bkt3"));
    assertNull(open().find("bkt3"));
  }

  @Test
  void aChangeByAnotherWriterIsSeenThroughTheWatch() throws Exception {
    StateStore state = EmbeddedStateStore.open(dataDir);
    BucketPolicyStore store = new BucketPolicyStore(state, dataDir, VALIDATOR);
    // What another replica does: it writes the store directly.
    state.put(BucketPolicyStore.PREFIX + "bkt5", stored(POLICY.formatted("bkt5")), StateStore.ABSENT);
    assertNotNull(store.find("bkt5"));
    state.delete(BucketPolicyStore.PREFIX + "bkt5", state.get(BucketPolicyStore.PREFIX + "bkt5").orElseThrow().revision());
    assertNull(store.find("bkt5"));
  }

  @Test
  void aStaleWatchReportDoesNotBringBackADeletedPolicy() throws Exception {
    // A store whose watch we drive by hand, as etcd delivers: later than the write it reports.
    StateStore embedded = EmbeddedStateStore.open(dataDir);
    Consumer<StateStore.Change>[] listener = new Consumer[1];
    StateStore state = new ForwardingStore(embedded) {
      @Override
      public AutoCloseable watch(String prefix, Consumer<Change> l) {
        listener[0] = l;
        return () -> {};
      }
    };
    BucketPolicyStore store = new BucketPolicyStore(state, dataDir, VALIDATOR);
    done(store.put("bkt6", POLICY.formatted("bkt6")));
    long written = embedded.get(BucketPolicyStore.PREFIX + "bkt6").orElseThrow().revision();
    assertTrue(done(store.delete("bkt6")));
    listener[0].accept(new StateStore.Change(BucketPolicyStore.PREFIX + "bkt6",
        stored(POLICY.formatted("bkt6")), written));
    assertNull(store.find("bkt6"), "the put's late report is older than the deletion");
    listener[0].accept(new StateStore.Change(BucketPolicyStore.PREFIX + "bkt6",
        stored(POLICY.formatted("bkt6")), written + 5));
    assertNotNull(store.find("bkt6"), "a newer write by another replica is applied");
  }

  @Test
  void aStoreThatCannotWriteFailsTheChangeAndNothingChanges() throws Exception {
    StateStore embedded = EmbeddedStateStore.open(dataDir);
    StateStore down = new ForwardingStore(embedded) {
      @Override
      public long put(String key, byte[] value, long expectedRevision) throws StateException {
        throw new StateException("etcd unreachable");
      }
    };
    BucketPolicyStore store = new BucketPolicyStore(down, dataDir, VALIDATOR);
    ExecutionException e = assertThrows(ExecutionException.class, () -> done(store.put("bkt7", POLICY.formatted("bkt7"))));
    assertInstanceOf(StateException.class, e.getCause());
    assertNull(store.find("bkt7"));
    assertTrue(embedded.list(BucketPolicyStore.PREFIX).isEmpty());
  }

  @Test
  void policiesKeptAsFilesByAnOlderVersionAreImportedOnce() throws Exception {
    Path legacy = Files.createDirectories(dataDir.resolve("bucket-policies"));
    Files.writeString(legacy.resolve("old1.json"), POLICY.formatted("old1"));
    BucketPolicyStore store = open();
    assertEquals(POLICY.formatted("old1"), store.text("old1").orElseThrow());
    assertFalse(Files.exists(legacy), "the files are not read again");
    assertTrue(done(store.delete("old1")));
    assertNull(open().find("old1"), "a deleted policy does not come back at the next start");
  }

  @Test
  void aStoredEntryThatIsNotAPolicyStopsTheStartNamingIt() throws Exception {
    StateStore state = EmbeddedStateStore.open(dataDir);
    state.put(BucketPolicyStore.PREFIX + "bkt8", "{not json".getBytes(StandardCharsets.UTF_8), StateStore.ABSENT);
    StateException e = assertThrows(StateException.class, () -> new BucketPolicyStore(state, dataDir, VALIDATOR));
    assertTrue(e.getMessage().contains(BucketPolicyStore.PREFIX + "bkt8"), e.getMessage());
  }

  @Test
  void malformedPolicyIsRefusedAtOnceAndNothingChanges() throws Exception {
    BucketPolicyStore store = open();
    assertThrows(MalformedPolicyException.class, () -> store.put("bkt4", "{\"Statement\":[{\"Effect\":\"Allow\"}]}"));
    assertNull(store.find("bkt4"));
    assertNull(open().find("bkt4"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc", "a/b", "Bad_Name", "ab", "a..b", ".hidden"})
  void invalidNamesNeverBecomeKeys(String bucket) throws Exception {
    BucketPolicyStore store = open();
    assertThrows(IllegalArgumentException.class, () -> store.put(bucket, POLICY.formatted("x")));
    assertThrows(IllegalArgumentException.class, () -> store.delete(bucket));
    assertNull(store.find(bucket));
  }

  /** Passes every call to another store; tests override what they break. */
  private static class ForwardingStore implements StateStore {
    private final StateStore inner;

    ForwardingStore(StateStore inner) {
      this.inner = inner;
    }

    @Override
    public Optional<Entry> get(String key) throws StateException {
      return inner.get(key);
    }

    @Override
    public List<Entry> list(String prefix) throws StateException {
      return inner.list(prefix);
    }

    @Override
    public long put(String key, byte[] value, long expectedRevision) throws StateException {
      return inner.put(key, value, expectedRevision);
    }

    @Override
    public void delete(String key, long expectedRevision) throws StateException {
      inner.delete(key, expectedRevision);
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<Change> listener) throws StateException {
      return inner.watch(prefix, listener);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
