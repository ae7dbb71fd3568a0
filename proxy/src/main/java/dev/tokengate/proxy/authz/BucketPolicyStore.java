package dev.tokengate.proxy.authz;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import dev.tokengate.proxy.state.BucketDocuments;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bucket policies, kept by the proxy (not the backend) in the state store under {@code
 * s3/bucket-policies/BUCKET}, so a restart keeps them and every replica on the same store enforces
 * the same ones ({@link BucketDocuments}: served from memory, written off the event loop). A new
 * policy is checked by {@link BucketPolicyValidator} as PutBucketPolicy checks it. A policy lives
 * as long as its bucket: {@link #delete} is called when the bucket goes.
 */
public final class BucketPolicyStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BucketPolicyStore.class);
  /** AWS's limit on a bucket policy's size. */
  public static final int MAX_BYTES = 20 * 1024;
  public static final String PREFIX = "s3/bucket-policies/";

  /**
   * A bucket's policy. {@code rootLockedOut}: put with {@code x-amz-confirm-remove-self-bucket-access},
   * so its denials bind the account root's management of it too.
   */
  private record Entry(String text, Policy policy, boolean rootLockedOut) {}

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

  /** @throws MalformedPolicyException when the value is not a stored bucket policy */
  private Entry read(String bucket, byte[] value) {
    Stored stored;
    try {
      stored = JSON.readValue(value, Stored.class);
    } catch (IOException e) {
      throw new MalformedPolicyException("not a stored bucket policy: " + e.getMessage());
    }
    if (stored.policy() == null) {
      throw new MalformedPolicyException("not a stored bucket policy: no policy");
    }
    return new Entry(stored.policy(), parse(bucket, stored.policy()), stored.confirmRemoveSelfBucketAccess());
  }

  private final StateStore state;
  private final BucketPolicyValidator validator;
  private final BucketDocuments<Entry> policies;

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
    this.policies = new BucketDocuments<>(state, PREFIX, "bucket policy", this::read);
    policies.all().forEach((bucket, entry) -> warnIfInvalid(bucket, entry.text()));
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

  /** The bucket's parsed policy, or null when it has none. */
  public Policy find(String bucket) {
    return policies.find(bucket).map(Entry::policy).orElse(null);
  }

  /** Whether the bucket's policy was put confirming that it may lock the account root out of it. */
  public boolean rootLockedOut(String bucket) {
    return policies.find(bucket).map(Entry::rootLockedOut).orElse(false);
  }

  public Optional<String> text(String bucket) {
    return policies.find(bucket).map(Entry::text);
  }

  /**
   * Validates a policy now, then stores it in place of any previous one.
   *
   * @return completes once the policy is stored and in force here; fails with a {@link
   *     java.util.concurrent.CompletionException} caused by {@link StateException} when the store
   *     could not take it (nothing changed then)
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
    BucketDocuments.checkName(bucket);
    Policy policy = validator.validate(bucket, text, name(bucket));
    return policies.put(bucket, new Entry(text, policy, rootLockedOut), write(text, rootLockedOut));
  }

  /**
   * Removes the bucket's policy, if it has one.
   *
   * @return completes with true if it had one, once the removal is stored and in force here; fails
   *     with a {@link java.util.concurrent.CompletionException} caused by {@link StateException}
   *     when the store could not be changed (the policy then stays in force)
   * @throws IllegalArgumentException when {@code bucket} is not a valid bucket name
   */
  public CompletableFuture<Boolean> delete(String bucket) {
    return policies.delete(bucket);
  }

  @Override
  public void close() {
    policies.close();
  }
}
