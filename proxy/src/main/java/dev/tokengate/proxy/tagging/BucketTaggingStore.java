package dev.tokengate.proxy.tagging;

import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.BucketTagSet;
import dev.tokengate.proxy.state.BucketDocuments;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Buckets' tags, kept by the proxy in the state store under {@code s3/bucket-tagging/BUCKET}
 * (stored as the XML GetBucketTagging answers): every replica sees the same tags, and policies
 * condition on them ({@code aws:ResourceTag/KEY}) from memory, never asking the backend. A tag
 * set lives as long as its bucket.
 */
public final class BucketTaggingStore implements AutoCloseable {
  public static final String PREFIX = "s3/bucket-tagging/";

  private final BucketDocuments<BucketTagSet> tagSets;

  /** @throws StateException when the store cannot be read, or an entry is not a tag set (named) */
  public BucketTaggingStore(StateStore state) throws StateException {
    // Stored sets were checked when put; a repeated key is kept as stored (only RGW's dialect writes one).
    this.tagSets = new BucketDocuments<>(state, PREFIX, "bucket tag set", (bucket, value) -> {
      try {
        return BucketTagSet.parse(value, true);
      } catch (S3Exception e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    });
  }

  public Optional<BucketTagSet> find(String bucket) {
    return tagSets.find(bucket);
  }

  /** The bucket's tags by key (empty when it has none), for condition keys; from memory. */
  public Map<String, List<String>> valuesByKey(String bucket) {
    return find(bucket).map(BucketTagSet::valuesByKey).orElse(Map.of());
  }

  /** @see BucketDocuments#put */
  public CompletableFuture<Void> put(String bucket, BucketTagSet tags) {
    return tagSets.put(bucket, tags, tags.toXml());
  }

  /** @see BucketDocuments#delete */
  public CompletableFuture<Boolean> delete(String bucket) {
    return tagSets.delete(bucket);
  }

  @Override
  public void close() {
    tagSets.close();
  }
}
