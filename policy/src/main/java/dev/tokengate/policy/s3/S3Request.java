package dev.tokengate.policy.s3;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The parts of an S3 request that decide its operation and IAM actions, as the proxy sees them
 * after path/virtual-host parsing.
 *
 * @param method the HTTP method, upper case
 * @param bucket the bucket, or null for the service ({@code GET /})
 * @param key the object key (decoded), or null for bucket-level requests
 * @param query query parameters, decoded; sub-resources like {@code ?acl} have an empty value
 * @param headers request headers; looked up case-insensitively
 */
public record S3Request(String method, String bucket, String key, Map<String, String> query,
    Map<String, String> headers) {

  public S3Request {
    Objects.requireNonNull(method, "method");
    query = Collections.unmodifiableMap(new TreeMap<>(query == null ? Map.of() : query));
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      h.putAll(headers);
    }
    headers = Collections.unmodifiableMap(h);
    if (bucket != null && bucket.isEmpty()) {
      bucket = null;
    }
    if (key != null && key.isEmpty()) {
      key = null;
    }
  }

  /** A request without headers. */
  public static S3Request of(String method, String bucket, String key, Map<String, String> query) {
    return new S3Request(method, bucket, key, query, Map.of());
  }

  /** A header value (any case), or null. */
  public String header(String name) {
    return headers.get(name);
  }

  public boolean hasQuery(String name) {
    return query.containsKey(name);
  }

  /** The {@code versionId} query parameter when present and non-empty, else null. */
  public String versionId() {
    String v = query.get("versionId");
    return v == null || v.isEmpty() ? null : v;
  }
}
