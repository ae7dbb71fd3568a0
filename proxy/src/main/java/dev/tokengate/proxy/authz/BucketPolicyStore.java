package dev.tokengate.proxy.authz;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import dev.tokengate.proxy.s3.BucketName;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bucket policies, kept by the proxy (not the backend) in the state store under {@code
 * s3/bucket-policies/BUCKET}, so a restart keeps them and every replica on the same store enforces
 * the same ones. A new policy is checked by {@link BucketPolicyValidator} as PutBucketPolicy checks
 * it. Reads are served from memory, on any thread, fed by the store's watch (another replica's
 * change) and by this store's own writes (read-your-writes). Changes run one at a time, in the
 * order asked, on a writer thread of their own (store I/O never blocks an event loop), as
 * compare-and-set writes; memory changes only once the store did. A policy lives as long as its
 * bucket: {@link #delete} is called when the bucket goes.
 */
public final class BucketPolicyStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BucketPolicyStore.class);
  /** AWS's limit on a bucket policy's size. */
  public static final int MAX_BYTES = 20 * 1024;
  public static final String PREFIX = "s3/bucket-policies/";
  private static final int ATTEMPTS = 16;

  /**
   * A bucket's policy at a store revision; {@code policy} null for a deletion seen at that revision.
   * {@code rootLockedOut}: put with {@code x-amz-confirm-remove-self-bucket-access}, so its denials
   * bind the account root's management of it too.
   */
  private record Entry(String text, Policy policy, boolean rootLockedOut, long revision) {}

  /** The stored document: the policy as given, and whether it was put confirming the root's lock-out. */
  private record Stored(String policy, boolean confirmRemoveSelfBucketAccess) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] write(String text, boolean rootLockedOut) {
    try {
      return JSON.writeValueAsBytes(new Stored(text, rootLockedOut));
    } catch (IOException e) {
      throw new IllegalStateException("a bucket policy document always serializes", e);
    }
  }

  /** @throws MalformedPolicyException when the entry is not a stored bucket policy */
  private Entry read(String bucket, byte[] value, long revision) {
    Stored stored;
    try {
      stored = JSON.readValue(value, Stored.class);
    } catch (IOException e) {
      throw new MalformedPolicyException("not a stored bucket policy: " + e.getMessage());
    }
    if (stored.policy() == null) {
      throw new MalformedPolicyException("not a stored bucket policy: no policy");
    }
    return new Entry(stored.policy(), parse(bucket, stored.policy()), stored.confirmRemoveSelfBucketAccess(), revision);
  }

  private final StateStore state;
  private final BucketPolicyValidator validator;
  private final Map<String, Entry> policies = new ConcurrentHashMap<>();
  private final AutoCloseable watch;
  /** One thread at most, none while idle. */
  private final Executor writer =
      new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "bucket-policy-writer");
        t.setDaemon(true);
        return t;
      });

  /**
   * Reads every stored policy; first imports those an older version kept as files in {@code
   * <dataDir>/bucket-policies/} (the directory is then renamed {@code bucket-policies.imported}).
   *
   * @throws StateException when the store cannot be read, or a stored policy no longer parses
   *     (named: a policy is never dropped silently, it might hold a Deny)
   */
  public BucketPolicyStore(StateStore state, Path dataDir, BucketPolicyValidator validator)
      throws StateException, IOException {
    this.state = state;
    this.validator = validator;
    importFiles(dataDir.resolve("bucket-policies"));
    this.watch = state.watch(PREFIX, this::apply);
    for (StateStore.Entry e : state.list(PREFIX)) {
      String bucket = e.key().substring(PREFIX.length());
      Entry entry;
      try {
        entry = read(bucket, e.value(), e.revision());
      } catch (MalformedPolicyException bad) {
        throw new StateException("state entry " + e.key() + " is not a bucket policy: " + bad.getMessage(), bad);
      }
      remember(bucket, entry);
      warnIfInvalid(bucket, entry.text());
    }
  }

  private void importFiles(Path dir) throws StateException, IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String bucket = name.substring(0, name.length() - ".json".length());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
          state.put(PREFIX + bucket, write(text, false), StateStore.ABSENT);
          LOG.info("imported the bucket policy of {} from {} into the state store", bucket, file);
        } catch (StateException.Conflict alreadyThere) {
          LOG.info("the bucket policy of {} is already in the state store; {} not imported", bucket, file);
        }
      }
    }
    // Imported once: a later start must not bring back a policy deleted since.
    Files.move(dir, dir.resolveSibling("bucket-policies.imported"));
  }

  private Policy parse(String bucket, String text) {
    return PolicyParser.parse(text, PolicyType.RESOURCE, name(bucket), validator.dialect());
  }

  private static String name(String bucket) {
    return "bucket policy of " + bucket;
  }

  /**
   * A policy stored before validation existed stays as it was (dropping it could drop a Deny), but
   * the log says what PutBucketPolicy would now refuse.
   */
  private void warnIfInvalid(String bucket, String text) {
    try {
      validator.validate(bucket, text, name(bucket));
    } catch (MalformedPolicyException e) {
      LOG.warn("the stored bucket policy of {} would be refused by PutBucketPolicy today: {}", bucket, e.getMessage());
    }
  }

  /** Keeps what is newer than what is known: a watch may report a change this store already applied. */
  private void remember(String bucket, Entry entry) {
    policies.merge(bucket, entry, (known, seen) -> seen.revision() > known.revision() ? seen : known);
  }

  private void apply(StateStore.Change change) {
    String bucket = change.key().substring(PREFIX.length());
    if (change.deleted()) {
      remember(bucket, new Entry(null, null, false, change.revision()));
      return;
    }
    try {
      remember(bucket, read(bucket, change.value(), change.revision()));
    } catch (MalformedPolicyException e) {
      // Only a hand-written entry can be malformed (writers validate); the last good one stays.
      LOG.error("state entry {} is not a bucket policy, not applied: {}", change.key(), e.getMessage());
    }
  }

  /** The bucket's parsed policy, or null when it has none. */
  public Policy find(String bucket) {
    Entry e = bucket == null ? null : policies.get(bucket);
    return e == null ? null : e.policy();
  }

  /** Whether the bucket's policy was put confirming that it may lock the account root out of it. */
  public boolean rootLockedOut(String bucket) {
    Entry e = bucket == null ? null : policies.get(bucket);
    return e != null && e.policy() != null && e.rootLockedOut();
  }

  public Optional<String> text(String bucket) {
    return Optional.ofNullable(bucket == null ? null : policies.get(bucket)).map(Entry::text);
  }

  /**
   * Validates a policy now, then stores it in place of any previous one.
   *
   * @return completes once the policy is stored and in force here; fails with a {@link
   *     CompletionException} caused by {@link StateException} when the store could not take it
   *     (nothing changed then)
   * @throws MalformedPolicyException with S3's message when PutBucketPolicy would refuse it
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Void> put(String bucket, String text) {
    return put(bucket, text, false);
  }

  /**
   * {@link #put(String, String)}, saying whether the caller confirmed that the policy may deny the
   * account root its management ({@code x-amz-confirm-remove-self-bucket-access: true}).
   */
  public CompletableFuture<Void> put(String bucket, String text, boolean rootLockedOut) {
    String key = key(bucket);
    Policy policy = validator.validate(bucket, text, name(bucket));
    byte[] value = write(text, rootLockedOut);
    return CompletableFuture.runAsync(() -> {
      try {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
          long expected = state.get(key).map(StateStore.Entry::revision).orElse(StateStore.ABSENT);
          try {
            remember(bucket, new Entry(text, policy, rootLockedOut, state.put(key, value, expected)));
            return;
          } catch (StateException.Conflict raced) {
            // another replica changed it between our read and write: read again
          }
        }
        throw new StateException("the bucket policy of " + bucket + " keeps changing; not stored");
      } catch (StateException e) {
        throw new CompletionException(e);
      }
    }, writer);
  }

  /**
   * Removes the bucket's policy, if it has one.
   *
   * @return completes with true if it had one, once the removal is stored and in force here; fails
   *     with a {@link CompletionException} caused by {@link StateException} when the store could
   *     not be changed (the policy then stays in force)
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Boolean> delete(String bucket) {
    String key = key(bucket);
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
          Optional<StateStore.Entry> current = state.get(key);
          if (current.isEmpty()) {
            return false;
          }
          try {
            state.delete(key, current.get().revision());
            // No change to the key came between that revision and the deletion (the CAS held),
            // so a later watch report of anything at or below it is stale.
            long deleted = current.get().revision();
            policies.compute(bucket, (b, known) -> known == null || known.revision() <= deleted
                ? new Entry(null, null, false, deleted) : known);
            return true;
          } catch (StateException.Conflict raced) {
            // changed meanwhile: read again
          }
        }
        throw new StateException("the bucket policy of " + bucket + " keeps changing; not deleted");
      } catch (StateException e) {
        throw new CompletionException(e);
      }
    }, writer);
  }

  private static String key(String bucket) {
    // Checked before a name becomes a key: nothing but [a-z0-9.-], no "..", no separator.
    if (!BucketName.isValid(bucket)) {
      throw new IllegalArgumentException("not a valid bucket name: " + bucket);
    }
    return PREFIX + bucket;
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("closing the bucket policy watch: {}", e.getMessage());
    }
  }
}
