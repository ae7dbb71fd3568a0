package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.cors.BucketCorsStore;
import dev.tokengate.proxy.cors.CorsConfiguration;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Put/Get/DeleteBucketCors, answered from {@link BucketCorsStore}: the proxy answers CORS
 * preflights itself ({@link CorsHandler}), so it must own the configurations.
 */
final class BucketCorsOperations implements BucketDocumentOperations {
  private static final Set<S3Operation> OPERATIONS =
      Set.of(S3Operation.PUT_BUCKET_CORS, S3Operation.GET_BUCKET_CORS, S3Operation.DELETE_BUCKET_CORS);

  private final BucketCorsStore store;

  BucketCorsOperations(BucketCorsStore store) {
    this.store = store;
  }

  @Override
  public Set<S3Operation> operations() {
    return OPERATIONS;
  }

  @Override
  public int maxBodyBytes() {
    return CorsConfiguration.MAX_BYTES;
  }

  @Override
  public S3Exception tooLarge() {
    return new S3Exception(S3Error.MALFORMED_XML, "The XML you provided was larger than the maximum allowed size.");
  }

  @Override
  public CompletableFuture<FullHttpResponse> answer(AuthorizedRequest r, byte[] body) throws S3Exception {
    String bucket = r.s3().bucket();
    return switch (r.operation()) {
      case PUT_BUCKET_CORS -> {
        CorsConfiguration configuration;
        try {
          configuration = CorsConfiguration.parse(body);
        } catch (CorsConfiguration.Invalid e) {
          throw new S3Exception(e.malformedXml() ? S3Error.MALFORMED_XML : S3Error.INVALID_REQUEST, e.getMessage());
        }
        yield store.put(bucket, configuration).thenApply(v ->
            BucketDocumentOperations.response(r, HttpResponseStatus.OK, null, null));
      }
      case GET_BUCKET_CORS -> {
        CorsConfiguration c = store.find(bucket).orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_CORS_CONFIGURATION,
            S3Error.NO_SUCH_CORS_CONFIGURATION.defaultMessage(), Map.of("BucketName", bucket)));
        yield CompletableFuture.completedFuture(
            BucketDocumentOperations.response(r, HttpResponseStatus.OK, "application/xml", c.toXml()));
      }
      case DELETE_BUCKET_CORS -> store.delete(bucket).thenApply(had ->
          BucketDocumentOperations.response(r, HttpResponseStatus.NO_CONTENT, null, null));
      default -> throw new IllegalStateException("not a bucket CORS operation: " + r.operation());
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
