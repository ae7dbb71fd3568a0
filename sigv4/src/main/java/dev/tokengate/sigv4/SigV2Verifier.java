package dev.tokengate.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies legacy SigV2 requests (header {@code AWS AKID:sig} and query {@code AWSAccessKeyId}/{@code
 * Signature}/{@code Expires}): HMAC-SHA1 over Verb, Content-MD5, Content-Type, Date (or Expires),
 * the x-amz-* headers (including x-amz-security-token) and the canonicalized resource.
 */
public final class SigV2Verifier {

  /** Query parameters that are part of the CanonicalizedResource (S3's sub-resource list). */
  public static final Set<String> SUB_RESOURCES = Set.of(
      "accelerate", "acl", "analytics", "cors", "delete", "encryption", "inventory", "legal-hold",
      "lifecycle", "location", "logging", "metrics", "notification", "object-lock", "partNumber",
      "policy", "publicAccessBlock", "replication", "requestPayment", "response-cache-control",
      "response-content-disposition", "response-content-encoding", "response-content-language",
      "response-content-type", "response-expires", "restore", "retention", "select", "tagging",
      "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website");

  private final Clock clock;

  public SigV2Verifier(Clock clock) {
    this.clock = clock;
  }

  /** Verifies a path-style request: the canonical resource path is the raw request path. */
  public void verify(SignedRequest request, SigV2Authorization auth, String secretKey)
      throws AuthenticationException {
    verify(request, auth, secretKey, null);
  }

  /**
   * @param hostBucket the bucket the Host header names (virtual-hosted style), or null for a
   *     path-style request; it is part of what the client signed, so a request signed for one
   *     bucket's Host cannot be replayed with another's
   * @throws AuthenticationException REQUEST_TIME_TOO_SKEWED, PRESIGN_EXPIRED, SIGNATURE_MISMATCH
   */
  public void verify(SignedRequest request, SigV2Authorization auth, String secretKey, String hostBucket)
      throws AuthenticationException {
    String canonicalResourcePath = canonicalResourcePath(hostBucket, request.rawPath());
    Instant now = clock.instant();
    if (auth.style() == AuthStyle.QUERY) {
      if (now.isAfter(auth.requestTime())) {
        throw new AuthenticationException(AuthFailure.PRESIGN_EXPIRED, "Request has expired");
      }
    } else {
      SignatureVerifier.checkSkew(clock, auth.requestTime(), auth.requestTime().toString());
    }
    String stringToSign = stringToSign(request, auth.style(), canonicalResourcePath);
    if (matches(secretKey, stringToSign, auth)) {
      return;
    }
    if (hostBucket == null && isBucketOnly(request.rawPath())) {
      // S3's resource for a bucket is "/bucket/", and botocore signs that for the path "/bucket";
      // a client that signs the path as sent is accepted too: both name the same resource.
      String withSlash = stringToSign(request, auth.style(), request.rawPath() + "/");
      if (matches(secretKey, withSlash, auth)) {
        return;
      }
    }
    throw SignatureVerifier.mismatch(auth.accessKeyId(), stringToSign, auth.signature(), null);
  }

  private static boolean matches(String secretKey, String stringToSign, SigV2Authorization auth) {
    return MessageDigest.isEqual(sign(secretKey, stringToSign).getBytes(StandardCharsets.US_ASCII),
        auth.signature().getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code /bucket}: one non-empty segment, no trailing slash. */
  private static boolean isBucketOnly(String rawPath) {
    return rawPath.length() > 1 && rawPath.indexOf('/', 1) < 0;
  }

  /**
   * The path part of S3's CanonicalizedResource: {@code "/" + bucket} for a virtual-hosted request
   * (so {@code GET /} on {@code Host: b.s3…} is {@code /b/}), then the request path as the client
   * encoded it (not decoded); sub-resources are appended by {@link #stringToSign}.
   */
  public static String canonicalResourcePath(String hostBucket, String rawPath) {
    return hostBucket == null ? rawPath : "/" + hostBucket + rawPath;
  }

  /** Base64 HMAC-SHA1 of the string to sign. */
  public static String sign(String secretKey, String stringToSign) {
    byte[] mac = Hmac.sha1(
        secretKey.getBytes(StandardCharsets.UTF_8), stringToSign.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(mac);
  }

  /** The SigV2 string to sign. */
  public static String stringToSign(SignedRequest request, AuthStyle style, String resourcePath) {
    Map<String, String> query = AuthorizationParser.queryParameters(request.rawQuery());
    String date;
    if (style == AuthStyle.QUERY) {
      date = query.getOrDefault("Expires", "");
    } else {
      // With x-amz-date the Date line is empty: x-amz-date is signed among the amz headers.
      date = request.header("x-amz-date") != null ? "" : valueOrEmpty(request.header("date"));
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append(request.method()).append('\n');
    sb.append(valueOrEmpty(request.header("content-md5"))).append('\n');
    sb.append(valueOrEmpty(request.header("content-type"))).append('\n');
    sb.append(date).append('\n');
    appendAmzHeaders(sb, request, style == AuthStyle.QUERY ? query : Map.of());
    sb.append(resourcePath);
    appendSubResources(sb, request.rawQuery());
    return sb.toString();
  }

  private static void appendAmzHeaders(
      StringBuilder sb, SignedRequest request, Map<String, String> query) {
    TreeMap<String, List<String>> amz = new TreeMap<>();
    for (SignedRequest.Header h : request.headers()) {
      String name = h.name().toLowerCase(Locale.ROOT);
      if (name.startsWith("x-amz-")) {
        amz.computeIfAbsent(name, k -> new ArrayList<>()).add(unfold(h.value()));
      }
    }
    // Presigned V2 URLs carry x-amz-* (notably x-amz-security-token) as query parameters.
    for (Map.Entry<String, String> e : query.entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("x-amz-")) {
        amz.computeIfAbsent(name, k -> new ArrayList<>()).add(unfold(e.getValue()));
      }
    }
    for (Map.Entry<String, List<String>> e : amz.entrySet()) {
      sb.append(e.getKey()).append(':').append(String.join(",", e.getValue())).append('\n');
    }
  }

  private static void appendSubResources(StringBuilder sb, String rawQuery) {
    TreeMap<String, String> subs = new TreeMap<>();
    if (!rawQuery.isEmpty()) {
      for (String part : rawQuery.split("&")) {
        int eq = part.indexOf('=');
        String name = UriEncoding.decodeQueryComponent(eq < 0 ? part : part.substring(0, eq));
        if (SUB_RESOURCES.contains(name)) {
          subs.putIfAbsent(name, eq < 0 ? null : UriEncoding.decodeQueryComponent(part.substring(eq + 1)));
        }
      }
    }
    char separator = '?';
    for (Map.Entry<String, String> e : subs.entrySet()) {
      sb.append(separator).append(e.getKey());
      if (e.getValue() != null) {
        sb.append('=').append(e.getValue());
      }
      separator = '&';
    }
  }

  private static String unfold(String value) {
    return value.replaceAll("\\r?\\n[ \\t]+", " ").trim();
  }

  private static String valueOrEmpty(String value) {
    return value == null ? "" : value.trim();
  }
}
