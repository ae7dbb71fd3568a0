package dev.tokengate.proxy.s3.request;

import dev.tokengate.policy.s3.CopySource;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.sigv4.UriEncoding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One S3 request as the proxy understood it, parsed once by {@link S3RequestModelParser}: the
 * policy engine authorizes this, and the backend request is built from this and nothing else.
 *
 * <ul>
 *   <li>{@code method}: upper case;
 *   <li>{@code bucket}: null for the service ({@code GET /});
 *   <li>{@code key}: decoded exactly as S3 decodes it; null for bucket-level requests;
 *   <li>{@code query}: the operation's parameters, decoded, in arrival order (authentication
 *       parameters and SDK hints removed);
 *   <li>{@code headers}: every header the backend receives, names lower case, in arrival order;
 *   <li>{@code viewHeaders}: what the policy sees: the forwarded headers, with the values
 *       forwarded, and those the proxy reads for its decision but does not forward ({@code
 *       user-agent}, {@code referer}, {@code x-amz-content-sha256}), names lower case;
 *   <li>{@code operation}: the classified operation, never {@link S3Operation#UNKNOWN};
 *   <li>{@code copySource}: the parsed source of CopyObject / UploadPartCopy, else null;
 *   <li>{@code contentLength}: the body's length ({@code x-amz-decoded-content-length} for
 *       aws-chunked), {@link #CHUNKED} when it is not known in advance, {@link #NO_BODY} when there
 *       is none.
 * </ul>
 *
 * <p>The policy engine's view is built once, with the model.
 */
public final class S3RequestModel {
  public static final long CHUNKED = -1;
  public static final long NO_BODY = -2;

  /** A forwarded header; {@code name} is lower case. */
  public record Header(String name, String value) {}

  private final String method;
  private final String bucket;
  private final String key;
  private final Map<String, String> query;
  private final List<Header> headers;
  private final S3Operation operation;
  private final CopySource copySource;
  private final long contentLength;
  private final S3Request policyView;

  /** The parser hands over maps and lists it never touches again: they are wrapped, not copied. */
  S3RequestModel(String method, String bucket, String key, Map<String, String> query, List<Header> headers,
      Map<String, String> viewHeaders, S3Operation operation, CopySource copySource, long contentLength) {
    this.method = method;
    this.bucket = bucket;
    this.key = key;
    this.query = Collections.unmodifiableMap(query);
    this.headers = Collections.unmodifiableList(headers);
    this.operation = operation;
    this.copySource = copySource;
    this.contentLength = contentLength;
    this.policyView = S3Request.parsed(method, bucket, key, this.query, viewHeaders, operation, copySource);
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

  public List<Header> headers() {
    return headers;
  }

  public S3Operation operation() {
    return operation;
  }

  public CopySource copySource() {
    return copySource;
  }

  public long contentLength() {
    return contentLength;
  }

  /** A forwarded header's value, or null; {@code lowerName} must be lower case. */
  public String header(String lowerName) {
    for (Header h : headers) {
      if (h.name().equals(lowerName)) {
        return h.value();
      }
    }
    return null;
  }

  /** The same request with a rewritten body: headers adjusted, a new length. */
  public S3RequestModel withBody(long length, Predicate<String> dropHeader, Map<String, String> setHeaders) {
    List<Header> out = new ArrayList<>();
    Map<String, String> view = new LinkedHashMap<>(policyView.headers());
    for (Header h : headers) {
      if (!dropHeader.test(h.name()) && !setHeaders.containsKey(h.name())) {
        out.add(h);
      } else {
        view.remove(h.name());
      }
    }
    setHeaders.forEach((n, v) -> {
      out.add(new Header(n, v));
      view.put(n, v);
    });
    return new S3RequestModel(method, bucket, key, query, out, view, operation, copySource, length);
  }

  /** The path the backend receives, path-style: {@code /bucket/key}, S3's UriEncode of each part. */
  public String canonicalPath() {
    if (bucket == null) {
      return "/";
    }
    StringBuilder sb = new StringBuilder(bucket.length() + (key == null ? 1 : key.length() + 8));
    sb.append('/').append(UriEncoding.encode(bucket));
    if (key != null) {
      sb.append('/').append(UriEncoding.encode(key, true));
    }
    return sb.toString();
  }

  /** The query the backend receives: each parameter re-encoded; a parameter without value as {@code name=}. */
  public String canonicalQuery() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> p : query.entrySet()) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(UriEncoding.encode(p.getKey())).append('=').append(UriEncoding.encode(p.getValue()));
    }
    return sb.toString();
  }

  /** {@code x-amz-copy-source} as the backend receives it: no character left for it to read another way. */
  public static String encodeCopySource(CopySource source) {
    String path = "/" + UriEncoding.encode(source.bucket()) + "/"
        + UriEncoding.encode(source.key(), true);
    return source.versionId() == null ? path : path + "?versionId=" + UriEncoding.encode(source.versionId());
  }

  /** The policy engine's view: exactly the values the backend will act on, with the operation and copy source. */
  public S3Request policyView() {
    return policyView;
  }

  /** No header values: they may hold keys (SSE-C) or tokens. */
  @Override
  public String toString() {
    return "S3RequestModel[" + operation + " " + method + " " + bucket + " " + key + " " + query + "]";
  }
}
