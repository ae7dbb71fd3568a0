package dev.tokengate.proxy.authz;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bucket policies, kept by the proxy (not the backend) in {@code <dataDir>/bucket-policies/} so a
 * restart keeps them. A new policy is checked by {@link BucketPolicyValidator} as PutBucketPolicy
 * checks it (its resources in its bucket, known actions, principals and condition keys). Writes go
 * to a temporary file and are renamed into place: a crash never leaves half a policy. Reads are
 * served from memory.
 */
public final class BucketPolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(BucketPolicyStore.class);
  /** S3 bucket names; checked before a name becomes a file name. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** AWS's limit on a bucket policy's size. */
  public static final int MAX_BYTES = 20 * 1024;

  private record Entry(String text, Policy policy) {}

  private final Path dir;
  private final BucketPolicyValidator validator;
  private final Map<String, Entry> policies = new ConcurrentHashMap<>();

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
    return Optional.ofNullable(policies.get(bucket)).map(Entry::text);
  }

  /**
   * Validates and stores a policy, replacing any previous one.
   *
   * @throws MalformedPolicyException with S3's message when PutBucketPolicy would refuse it
   */
  public void put(String bucket, String text) {
    Path file = file(bucket);
    Policy policy = validator.validate(bucket, text, name(bucket));
    try {
      Path tmp = Files.createTempFile(dir, bucket, ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the bucket policy of " + bucket, e);
    }
    policies.put(bucket, new Entry(text, policy));
  }

  /** Removes the bucket's policy; true if it had one. */
  public boolean delete(String bucket) {
    Path file = file(bucket);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the bucket policy of " + bucket, e);
    }
    return policies.remove(bucket) != null;
  }

  private Path file(String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not a valid bucket name: " + bucket);
    }
    return dir.resolve(bucket + ".json");
  }
}
