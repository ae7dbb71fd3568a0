package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  @Test
  void putIsInForceAndOnDiskWhenItCompletes() throws Exception {
    BucketPolicyStore store = new BucketPolicyStore(dataDir, VALIDATOR);
    done(store.put("bkt1", POLICY.formatted("bkt1")));
    assertNotNull(store.find("bkt1"));
    assertEquals(POLICY.formatted("bkt1"), store.text("bkt1").orElseThrow());
    assertEquals(POLICY.formatted("bkt1"), Files.readString(dataDir.resolve("bucket-policies/bkt1.json")));
    assertNotNull(new BucketPolicyStore(dataDir, VALIDATOR).find("bkt1"), "a restart reads it back");
  }

  @Test
  void deleteRemovesFileAndPolicyAndSaysWhetherThereWasOne() throws Exception {
    BucketPolicyStore store = new BucketPolicyStore(dataDir, VALIDATOR);
    done(store.put("bkt2", POLICY.formatted("bkt2")));
    assertTrue(done(store.delete("bkt2")));
    assertNull(store.find("bkt2"));
    assertFalse(Files.exists(dataDir.resolve("bucket-policies/bkt2.json")));
    assertFalse(done(store.delete("bkt2")));
    assertNull(new BucketPolicyStore(dataDir, VALIDATOR).find("bkt2"));
  }

  @Test
  void changesApplyInTheOrderAsked() throws Exception {
    BucketPolicyStore store = new BucketPolicyStore(dataDir, VALIDATOR);
    CompletableFuture<Void> first = store.put("bkt3", POLICY.formatted("bkt3"));
    CompletableFuture<Boolean> second = store.delete("bkt3");
    CompletableFuture<Void> third = store.put("bkt3", POLICY.formatted("bkt3").replace("GetObject", "GetObjectTagging"));
    CompletableFuture<Boolean> fourth = store.delete("bkt3");
    done(first);
    assertTrue(done(second));
    done(third);
    assertTrue(done(fourth));
    assertNull(store.find("bkt3"));
    assertFalse(Files.exists(dataDir.resolve("bucket-policies/bkt3.json")));
    try (var files = Files.list(dataDir.resolve("bucket-policies"))) {
      assertEquals(0, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void malformedPolicyIsRefusedAtOnceAndNothingChanges() throws Exception {
    BucketPolicyStore store = new BucketPolicyStore(dataDir, VALIDATOR);
    assertThrows(MalformedPolicyException.class, () -> store.put("bkt4", "{\"Statement\":[{\"Effect\":\"Allow\"}]}"));
    assertNull(store.find("bkt4"));
    assertFalse(Files.exists(dataDir.resolve("bucket-policies/bkt4.json")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc", "a/b", "Bad_Name", "ab", "a..b", ".hidden"})
  void invalidNamesNeverBecomeFileNames(String bucket) throws Exception {
    BucketPolicyStore store = new BucketPolicyStore(dataDir, VALIDATOR);
    assertThrows(IllegalArgumentException.class, () -> store.put(bucket, POLICY.formatted("x")));
    assertThrows(IllegalArgumentException.class, () -> store.delete(bucket));
    assertNull(store.find(bucket));
  }
}
