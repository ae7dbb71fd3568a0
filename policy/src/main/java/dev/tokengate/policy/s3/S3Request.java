package dev.tokengate.policy.s3;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an S3 request that decide its operation and IAM actions, as the proxy sees them
 * after path/virtual-host parsing, with the operation they classify as and, for a copy, its parsed
 * source: what was worked out once is carried here, so the action table and the condition keys
 * never classify or parse again.
 */
public final class S3Request {
  private final String method;
  private final String bucket;
  private final String key;
  private final Map<String, String> query;
  private final Map<String, String> headers;
  private final S3Operation operation;
  private final CopySource copySource;

  /**
   * @param method the HTTP method, upper case
   * @param bucket the bucket, or null for the service ({@code GET /})
   * @param key the object key (decoded), or null for bucket-level requests
   * @param query query parameters, decoded; sub-resources like {@code ?acl} have an empty value
   * @param headers request headers, names in any case (a later name differing only in case wins)
   */
  public S3Request(String method, String bucket, String key, Map<String, String> query,
      Map<String, String> headers) {
    this.method = Objects.requireNonNull(method, "method");
    this.bucket = bucket == null || bucket.isEmpty() ? null : bucket;
    this.key = key == null || key.isEmpty() ? null : key;
    this.query = Collections.unmodifiableMap(new LinkedHashMap<>(query == null ? Map.of() : query));
    Map<String, String> h = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((name, value) -> h.put(name.toLowerCase(Locale.ROOT), value));
    }
    this.headers = Collections.unmodifiableMap(h);
    this.operation = S3OperationClassifier.classify(method, this.bucket, this.key, this.query, this.headers);
    this.copySource = operation == S3Operation.COPY_OBJECT || operation == S3Operation.UPLOAD_PART_COPY
        ? CopySource.parse(this.headers.get("x-amz-copy-source"))
        : null;
  }

  private S3Request(String method, String bucket, String key, Map<String, String> query,
      Map<String, String> lowerCaseHeaders, S3Operation operation, CopySource copySource) {
    this.method = method;
    this.bucket = bucket;
    this.key = key;
    this.query = Collections.unmodifiableMap(query);
    this.headers = Collections.unmodifiableMap(lowerCaseHeaders);
    this.operation = operation;
    this.copySource = copySource;
  }

  /**
   * A request a strict parser has already read and classified: the maps are wrapped, not copied
   * (the caller never changes them again), header names must be lower case, and {@code operation}
   * and {@code copySource} are taken as given.
   */
  public static S3Request parsed(String method, String bucket, String key, Map<String, String> query,
      Map<String, String> lowerCaseHeaders, S3Operation operation, CopySource copySource) {
    return new S3Request(Objects.requireNonNull(method, "method"), bucket, key, query, lowerCaseHeaders,
        Objects.requireNonNull(operation, "operation"), copySource);
  }

  /** A request without headers. */
  public static S3Request of(String method, String bucket, String key, Map<String, String> query) {
    return new S3Request(method, bucket, key, query, Map.of());
  }

  public String method() {
    return method;
  }

  public String bucket() {
    return bucket;
  }

  public String key() {
    return key;
  }

  public Map<String, String> query() {
    return query;
  }

  /** Header names lower case. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The operation this request classifies as ({@link S3Operation#UNKNOWN} if not one we map). */
  public S3Operation operation() {
    return operation;
  }

  /** The parsed source of a CopyObject / UploadPartCopy, else null (also when it does not parse). */
  public CopySource copySource() {
    return copySource;
  }

  /** A header value (any case), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** {@link #header} for a name already in lower case: the policy's own lookups, on every request. */
  String lowerHeader(String lowerName) {
    return headers.get(lowerName);
  }

  public boolean hasQuery(String name) {
    return query.containsKey(name);
  }

  /** The {@code versionId} query parameter when present and non-empty, else null. */
  public String versionId() {
    String v = query.get("versionId");
    return v == null || v.isEmpty() ? null : v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof S3Request r && method.equals(r.method) && Objects.equals(bucket, r.bucket)
        && Objects.equals(key, r.key) && query.equals(r.query) && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, bucket, key, query, headers);
  }

  @Override
  public String toString() {
    return "S3Request[" + method + " " + bucket + " " + key + " " + query + " " + operation + "]";
  }
}
