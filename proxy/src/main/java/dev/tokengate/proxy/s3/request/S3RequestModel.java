package dev.tokengate.proxy.s3.request;

import dev.tokengate.policy.s3.CopySource;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.sigv4.UriEncoding;
import java.nio.charset.StandardCharsets;
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
 * @param method upper case
 * @param bucket null for the service ({@code GET /})
 * @param key decoded exactly as S3 decodes it; null for bucket-level requests
 * @param query the operation's parameters, decoded, in arrival order (authentication parameters
 *     and SDK hints removed)
 * @param headers every header the backend receives, names lower case, in arrival order
 * @param readHeaders headers the proxy reads for its decision but does not forward ({@code
 *     user-agent}, {@code referer}, {@code x-amz-content-sha256}), lower case
 * @param operation the classified operation, never {@link S3Operation#UNKNOWN}
 * @param copySource the parsed source of CopyObject / UploadPartCopy, else null
 * @param contentLength the body's length ({@code x-amz-decoded-content-length} for aws-chunked),
 *     {@link #CHUNKED} when it is not known in advance, {@link #NO_BODY} when there is none
 */
public record S3RequestModel(
    String method,
    String bucket,
    String key,
    Map<String, String> query,
    List<Header> headers,
    Map<String, String> readHeaders,
    S3Operation operation,
    CopySource copySource,
    long contentLength) {

  public static final long CHUNKED = -1;
  public static final long NO_BODY = -2;

  /** A forwarded header; {@code name} is lower case. */
  public record Header(String name, String value) {}

  public S3RequestModel {
    query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    headers = List.copyOf(headers);
    readHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(readHeaders));
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
    for (Header h : headers) {
      if (!dropHeader.test(h.name()) && !setHeaders.containsKey(h.name())) {
        out.add(h);
      }
    }
    setHeaders.forEach((n, v) -> out.add(new Header(n, v)));
    return new S3RequestModel(method, bucket, key, query, out, readHeaders, operation, copySource, length);
  }

  /** The path the backend receives, path-style: {@code /bucket/key}, S3's UriEncode of each part. */
  public String canonicalPath() {
    if (bucket == null) {
      return "/";
    }
    StringBuilder sb = new StringBuilder(bucket.length() + (key == null ? 1 : key.length() + 8));
    sb.append('/').append(UriEncoding.encode(bucket));
    if (key != null) {
      sb.append('/').append(UriEncoding.encode(key.getBytes(StandardCharsets.UTF_8), true));
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
        + UriEncoding.encode(source.key().getBytes(StandardCharsets.UTF_8), true);
    return source.versionId() == null ? path : path + "?versionId=" + UriEncoding.encode(source.versionId());
  }

  /** The policy engine's view: exactly the values the backend will act on. */
  public S3Request policyView() {
    Map<String, String> h = new LinkedHashMap<>(readHeaders);
    for (Header header : headers) {
      h.put(header.name(), header.value());
    }
    return new S3Request(method, bucket, key, query, h);
  }
}
