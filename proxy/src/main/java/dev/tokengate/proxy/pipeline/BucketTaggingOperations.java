package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.BucketTagSet;
import dev.tokengate.proxy.tagging.BucketTaggingStore;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Put/Get/DeleteBucketTagging, answered from {@link BucketTaggingStore}: policies condition on a
 * bucket's tags ({@code aws:ResourceTag/KEY}), so the proxy must own them (and many backends keep
 * none). An empty TagSet removes the tags, as DeleteBucketTagging does.
 */
final class BucketTaggingOperations implements BucketDocumentOperations {
  private static final Set<S3Operation> OPERATIONS =
      Set.of(S3Operation.PUT_BUCKET_TAGGING, S3Operation.GET_BUCKET_TAGGING, S3Operation.DELETE_BUCKET_TAGGING);

  private final BucketTaggingStore store;
  private final boolean repeatedKeys;

  /** @param repeatedKeys accept a TagSet that gives a key twice, as Ceph RGW does (S3 refuses it) */
  BucketTaggingOperations(BucketTaggingStore store, boolean repeatedKeys) {
    this.store = store;
    this.repeatedKeys = repeatedKeys;
  }

  @Override
  public Set<S3Operation> operations() {
    return OPERATIONS;
  }

  @Override
  public int maxBodyBytes() {
    return BucketTagSet.MAX_BYTES;
  }

  @Override
  public S3Exception tooLarge() {
    return new S3Exception(S3Error.MALFORMED_XML, "The XML you provided was larger than the maximum allowed size.");
  }

  @Override
  public CompletableFuture<FullHttpResponse> answer(AuthorizedRequest r, byte[] body) throws S3Exception {
    String bucket = r.s3().bucket();
    return switch (r.operation()) {
      case PUT_BUCKET_TAGGING -> {
        BucketTagSet tags = BucketTagSet.parse(body, repeatedKeys);
        CompletableFuture<?> stored = tags.isEmpty() ? store.delete(bucket) : store.put(bucket, tags);
        yield stored.thenApply(v -> BucketDocumentOperations.response(r, HttpResponseStatus.NO_CONTENT, null, null));
      }
      case GET_BUCKET_TAGGING -> {
        BucketTagSet tags = store.find(bucket).orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_TAG_SET,
            S3Error.NO_SUCH_TAG_SET.defaultMessage(), Map.of("BucketName", bucket)));
        yield CompletableFuture.completedFuture(
            BucketDocumentOperations.response(r, HttpResponseStatus.OK, "application/xml", tags.toXml()));
      }
      case DELETE_BUCKET_TAGGING -> store.delete(bucket).thenApply(had ->
          BucketDocumentOperations.response(r, HttpResponseStatus.NO_CONTENT, null, null));
      default -> throw new IllegalStateException("not a bucket tagging operation: " + r.operation());
    };
  }

  @Override
  public boolean holds(String bucket) {
    return store.find(bucket).isPresent();
  }

  @Override
  public CompletableFuture<Boolean> delete(String bucket) {
    return store.delete(bucket);
  }
}
