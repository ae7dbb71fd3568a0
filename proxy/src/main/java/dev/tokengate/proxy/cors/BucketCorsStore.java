package dev.tokengate.proxy.cors;

import dev.tokengate.proxy.state.BucketDocuments;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Buckets' CORS configurations, kept by the proxy in the state store under {@code
 * s3/bucket-cors/BUCKET} (stored as the XML GetBucketCors answers), so every replica answers the
 * same preflights without asking the backend. A configuration lives as long as its bucket.
 */
public final class BucketCorsStore implements AutoCloseable {
  public static final String PREFIX = "s3/bucket-cors/";

  private final BucketDocuments<CorsConfiguration> configurations;

  /** @throws StateException when the store cannot be read, or an entry is not a CORS configuration (named) */
  public BucketCorsStore(StateStore state) throws StateException {
    this.configurations = new BucketDocuments<>(state, PREFIX, "bucket CORS configuration", (bucket, value) -> {
      try {
        return CorsConfiguration.parse(value);
      } catch (CorsConfiguration.Invalid e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    });
  }

  public Optional<CorsConfiguration> find(String bucket) {
    return configurations.find(bucket);
  }

  /** @see BucketDocuments#put */
  public CompletableFuture<Void> put(String bucket, CorsConfiguration configuration) {
    return configurations.put(bucket, configuration, configuration.toXml());
  }

  /** @see BucketDocuments#delete */
  public CompletableFuture<Boolean> delete(String bucket) {
    return configurations.delete(bucket);
  }

  @Override
  public void close() {
    configurations.close();
  }
}
