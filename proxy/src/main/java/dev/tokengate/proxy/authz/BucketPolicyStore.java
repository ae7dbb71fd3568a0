package dev.tokengate.proxy.authz;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import dev.tokengate.proxy.s3.BucketName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bucket policies, kept by the proxy (not the backend) in {@code <dataDir>/bucket-policies/} so a
 * restart keeps them. A new policy is checked by {@link BucketPolicyValidator} as PutBucketPolicy
 * checks it (its resources in its bucket, known actions, principals and condition keys). Reads are
 * served from memory, on any thread. Changes run one at a time, in the order asked, on a writer
 * thread of their own (file I/O never blocks an event loop): a write goes to a temporary file
 * renamed into place, so a crash never leaves half a policy, and memory changes only once the file
 * did. A policy lives as long as its bucket: {@link #delete} is called when the bucket goes.
 */
public final class BucketPolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(BucketPolicyStore.class);
  /** AWS's limit on a bucket policy's size. */
  public static final int MAX_BYTES = 20 * 1024;

  private record Entry(String text, Policy policy) {}

  private final Path dir;
  private final BucketPolicyValidator validator;
  private final Map<String, Entry> policies = new ConcurrentHashMap<>();
  /** One thread at most, none while idle, so a store needs no closing. */
  private final Executor writer =
      new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "bucket-policy-writer");
        t.setDaemon(true);
        return t;
      });

  public BucketPolicyStore(Path dataDir, BucketPolicyValidator validator) throws IOException {
    this.validator = validator;
    this.dir = dataDir.resolve("bucket-policies");
    Files.createDirectories(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String bucket = name.substring(0, name.length() - ".json".length());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        policies.put(bucket, new Entry(text, parse(bucket, text)));
        warnIfInvalid(bucket, text);
      }
    }
  }

  private static Policy parse(String bucket, String text) {
    return PolicyParser.parse(text, PolicyType.RESOURCE, name(bucket));
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

  /** The bucket's parsed policy, or null when it has none. */
  public Policy find(String bucket) {
    Entry e = bucket == null ? null : policies.get(bucket);
    return e == null ? null : e.policy();
  }

  public Optional<String> text(String bucket) {
    return Optional.ofNullable(bucket == null ? null : policies.get(bucket)).map(Entry::text);
  }

  /**
   * Validates a policy now, then stores it in place of any previous one.
   *
   * @return completes once the policy is on disk and in force; fails with {@link
   *     UncheckedIOException} when it could not be written (nothing changed then)
   * @throws MalformedPolicyException with S3's message when PutBucketPolicy would refuse it
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Void> put(String bucket, String text) {
    Path file = file(bucket);
    Entry entry = new Entry(text, validator.validate(bucket, text, name(bucket)));
    return CompletableFuture.runAsync(() -> {
      try {
        Path tmp = Files.createTempFile(dir, bucket, ".tmp");
        try {
          Files.writeString(tmp, text, StandardCharsets.UTF_8);
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store the bucket policy of " + bucket, e);
      }
      policies.put(bucket, entry);
    }, writer);
  }

  /**
   * Removes the bucket's policy, if it has one.
   *
   * @return completes with true if it had one, once the removal is on disk and in force; fails
   *     with {@link UncheckedIOException} when the file could not be deleted (the policy is out of
   *     force all the same, until a restart reads the file again)
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Boolean> delete(String bucket) {
    Path file = file(bucket);
    return CompletableFuture.supplyAsync(() -> {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Out of force even so: a policy must not outlive its bucket, even until a restart.
        policies.remove(bucket);
        throw new UncheckedIOException("cannot delete the bucket policy file of " + bucket, e);
      }
      return policies.remove(bucket) != null;
    }, writer);
  }

  private Path file(String bucket) {
    // Checked before a name becomes a file name: nothing but [a-z0-9.-], no "..", no separator;
    // lower case only, so two names never share a file on a case-insensitive file system.
    if (!BucketName.isValid(bucket)) {
      throw new IllegalArgumentException("not a valid bucket name: " + bucket);
    }
    return dir.resolve(bucket + ".json");
  }
}
