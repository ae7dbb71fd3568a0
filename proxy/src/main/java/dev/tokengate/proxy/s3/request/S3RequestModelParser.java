package dev.tokengate.proxy.s3.request;

import dev.tokengate.policy.s3.CopySource;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3OperationClassifier;
import dev.tokengate.proxy.s3.BucketName;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses a raw S3 request (method, request-target and headers exactly as received) into an {@link
 * S3RequestModel}, or refuses it with S3's error when it cannot be represented unambiguously:
 * malformed escapes or UTF-8, duplicate parameters or headers, parameters the operation does not
 * define, invalid bucket names, dot-segment keys, unparseable copy sources. Query strings are split
 * on {@code &} only, as S3 splits them.
 */
public final class S3RequestModelParser {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE");

  /** Authentication parameters, consumed by the authenticator, never forwarded (lower case). */
  private static final Set<String> AUTH_PARAMS = Set.of("x-amz-algorithm", "x-amz-credential", "x-amz-date",
      "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token", "x-amz-content-sha256",
      "awsaccesskeyid", "signature", "expires");

  /** SDK hints S3 ignores (botocore and the v2 SDKs send {@code x-id=PutObject}); dropped. */
  private static final Set<String> IGNORED_PARAMS = Set.of("x-id");

  /**
   * What S3's POST Object success redirect appends to {@code success_action_redirect}. A form that
   * redirects back to its bucket's own URL lists the bucket with them; they mean nothing to
   * ListObjects (S3 ignores them), so there, and only there, they are dropped, never forwarded.
   */
  private static final Set<String> POST_REDIRECT_PARAMS = Set.of("bucket", "key", "etag");

  /** Sub-resources whose value means nothing to S3; forwarded as {@code name=}. */
  private static final Set<String> FLAGS = Set.of("acl", "accelerate", "attributes", "cors", "delete",
      "encryption", "legal-hold", "lifecycle", "location", "logging", "notification", "object-lock",
      "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
      "restore", "retention", "select", "tagging", "torrent", "uploads", "versioning", "versions", "website",
      "analytics", "inventory", "metrics", "intelligent-tiering");

  /** Headers read for the decision (condition keys) but never forwarded. */
  private static final Set<String> READ_ONLY = Set.of("user-agent", "referer", "x-amz-content-sha256");

  /** S3's canned ACLs: any other x-amz-acl value is refused here, not left for the backend to read. */
  private static final Set<String> CANNED_ACLS = Set.of("private", "public-read", "public-read-write",
      "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write");

  /** Server-side-encryption headers of writes (SSE-S3, SSE-KMS); SSE-C's are sent on reads too. */
  private static final Set<String> SSE_ON_WRITE_ONLY = Set.of("x-amz-server-side-encryption",
      "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
      "x-amz-server-side-encryption-bucket-key-enabled");

  private static final Set<S3Operation> READS_OBJECT = EnumSet.of(S3Operation.GET_OBJECT, S3Operation.HEAD_OBJECT);

  private static final int MAX_PARAMETERS = 64;

  private S3RequestModelParser() {}

  /**
   * @param headers in arrival order, names as sent
   * @param hostBucket the bucket a virtual-host Host header names, else null (path-style)
   * @param awsChunked the body is aws-chunked (its plain length is {@code x-amz-decoded-content-length})
   */
  public static S3RequestModel parse(
      String method, String rawTarget, Iterable<Map.Entry<String, String>> headers, String hostBucket,
      boolean awsChunked) throws S3Exception {
    String m = method.toUpperCase(Locale.ROOT);
    if (!METHODS.contains(m) || !m.equals(method)) {
      throw new S3Exception(S3Error.METHOD_NOT_ALLOWED);
    }
    if (rawTarget.isEmpty() || rawTarget.charAt(0) != '/' || rawTarget.indexOf('#') >= 0) {
      throw PercentDecoding.invalid();
    }
    int q = rawTarget.indexOf('?');
    String rawPath = q < 0 ? rawTarget : rawTarget.substring(0, q);
    String bucket;
    String key;
    if (hostBucket != null) {
      if (!BucketName.isValid(hostBucket)) {
        throw new S3Exception(S3Error.INVALID_BUCKET_NAME);
      }
      bucket = hostBucket;
      key = PercentDecoding.path(rawPath.substring(1));
    } else {
      int slash = rawPath.indexOf('/', 1);
      String rawBucket = slash < 0 ? rawPath.substring(1) : rawPath.substring(1, slash);
      bucket = PercentDecoding.path(rawBucket);
      key = slash < 0 ? "" : PercentDecoding.path(rawPath.substring(slash + 1));
      if (bucket.isEmpty()) {
        if (slash >= 0) {
          throw PercentDecoding.invalid(); // "//key": no bucket to name
        }
        bucket = null;
      } else if (!BucketName.isAddressable(bucket)) {
        throw new S3Exception(S3Error.INVALID_BUCKET_NAME);
      }
    }
    if (key.isEmpty()) {
      key = null;
    } else {
      ObjectKeys.check(key);
    }
    Map<String, String> query = parseQuery(q < 0 ? "" : rawTarget.substring(q + 1));
    Map<String, String> all = parseHeaders(headers);

    S3Operation op = S3OperationClassifier.classify(m, bucket, key, query, all);
    if (op == S3Operation.UNKNOWN || op == S3Operation.POST_OBJECT) {
      throw unsupported(m, bucket, key, query, all);
    }
    if (op == S3Operation.CREATE_BUCKET && !BucketName.isValid(bucket)) {
      throw new S3Exception(S3Error.INVALID_BUCKET_NAME);
    }
    if (op == S3Operation.LIST_OBJECTS) {
      query.keySet().removeAll(POST_REDIRECT_PARAMS);
    }
    for (Map.Entry<String, String> p : query.entrySet()) {
      String name = p.getKey();
      if (!OperationParameters.allows(op, name)) {
        throw argument("The parameter " + printable(name) + " is not valid for this operation.", name, p.getValue());
      }
      p.setValue(FLAGS.contains(name) ? "" : checkValue(name, p.getValue()));
    }

    long contentLength = contentLength(all, awsChunked);
    // The header map is pruned in place into the policy's view: what is read or forwarded, as forwarded.
    List<S3RequestModel.Header> forwarded = new ArrayList<>();
    CopySource copySource = null;
    boolean readsObject = READS_OBJECT.contains(op);
    for (Iterator<Map.Entry<String, String>> it = all.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, String> h = it.next();
      String name = h.getKey();
      if (readsObject && SSE_ON_WRITE_ONLY.contains(name)) {
        // S3 refuses these on a read (the object's own encryption decides); dropping them would
        // serve a request S3 refuses.
        throw argument(name + " header is not supported for this operation.", name, null);
      }
      if (READ_ONLY.contains(name)) {
        checkHeaderValue(name, h.getValue());
      } else if (ForwardedHeaders.forwardsLower(op, name)) {
        String value = checkHeaderValue(name, h.getValue());
        if (op == S3Operation.PUT_OBJECT || op == S3Operation.UPLOAD_PART) {
          DigestHeaders.check(name, value); // a body's digest; CompleteMultipartUpload's is composite ("…-N")
        }
        if (name.equals("x-amz-acl") && !CANNED_ACLS.contains(value.strip())) {
          throw argument("The x-amz-acl value is not a canned ACL.", name, value);
        }
        if (name.equals("x-amz-copy-source")) {
          copySource = parseCopySource(value);
          value = S3RequestModel.encodeCopySource(copySource);
          h.setValue(value);
        } else if (name.equals("content-encoding") && awsChunked) {
          value = withoutAwsChunked(value);
          if (value.isEmpty()) {
            it.remove();
            continue;
          }
          h.setValue(value);
        }
        forwarded.add(new S3RequestModel.Header(name, value));
      } else {
        it.remove();
      }
    }
    if ((op == S3Operation.COPY_OBJECT || op == S3Operation.UPLOAD_PART_COPY) && copySource == null) {
      throw new S3Exception(S3Error.INVALID_ARGUMENT,
          "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    }
    return new S3RequestModel(m, bucket, key, query, forwarded, all, op, copySource, contentLength);
  }

  /** Splits on {@code &} only; decodes names and values; refuses duplicates. */
  private static Map<String, String> parseQuery(String raw) throws S3Exception {
    Map<String, String> out = new LinkedHashMap<>();
    int count = 0;
    Set<String> authSeen = null;
    for (int start = 0; start < raw.length(); ) {
      int amp = raw.indexOf('&', start);
      int end = amp < 0 ? raw.length() : amp;
      if (end > start) {
        if (++count > MAX_PARAMETERS) {
          throw argument("Too many query parameters.", null, null);
        }
        int eq = raw.indexOf('=', start);
        boolean hasValue = eq >= 0 && eq < end;
        String name = PercentDecoding.form(raw.substring(start, hasValue ? eq : end));
        String value = hasValue ? PercentDecoding.form(raw.substring(eq + 1, end)) : "";
        String lower = name.toLowerCase(Locale.ROOT);
        if (AUTH_PARAMS.contains(lower)) {
          // Read by the authenticator; given twice, two readers could take different copies.
          if (authSeen == null) {
            authSeen = new HashSet<>(8);
          }
          if (!authSeen.add(lower)) {
            throw argument("The parameter " + printable(name) + " is given more than once.", name, null);
          }
        } else if (!IGNORED_PARAMS.contains(name) && out.putIfAbsent(name, value) != null) {
          throw argument("The parameter " + printable(name) + " is given more than once.", name, value);
        }
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return out;
  }

  /**
   * Names lower-cased; a repeated header the proxy or the backend reads is refused. Values are
   * checked where they are used ({@link #checkValue(String, String)}): a header nobody reads is
   * dropped whatever it holds.
   */
  private static Map<String, String> parseHeaders(Iterable<Map.Entry<String, String>> headers)
      throws S3Exception {
    Map<String, String> out = new LinkedHashMap<>(32);
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (out.putIfAbsent(name, h.getValue()) != null && ForwardedHeaders.isSingular(name)) {
        throw argument("Header " + printable(name) + " may be given only once.", name, null);
      }
    }
    return out;
  }

  /** A header value the proxy reads or forwards: no CR, LF or NUL that a reader could split on. */
  private static String checkHeaderValue(String name, String value) throws S3Exception {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw argument("Header " + printable(name) + " has an invalid value.", name, null);
      }
    }
    return value;
  }

  private static String checkValue(String name, String value) throws S3Exception {
    switch (name) {
      case "versionId" -> {
        if (value.isEmpty()) {
          throw argument("Version id cannot be the empty string", name, value);
        }
      }
      case "uploadId" -> {
        if (value.isEmpty()) {
          throw argument("Upload id cannot be the empty string", name, value);
        }
      }
      case "partNumber" -> {
        if (!digits(value, 5) || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 10000) {
          throw argument("Part number must be an integer between 1 and 10000, inclusive", name, value);
        }
      }
      default -> { }
    }
    return value;
  }

  /**
   * {@code [/]bucket/key[?versionId=v]}, URL-encoded; {@code +} decodes to a space as on AWS
   * (aws-sdk-js#1821: an unencoded {@code +} made S3 look up a key with a space).
   */
  static CopySource parseCopySource(String value) throws S3Exception {
    S3Exception bad = new S3Exception(S3Error.INVALID_ARGUMENT,
        "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    String path = value;
    String versionId = null;
    int q = path.indexOf('?');
    if (q >= 0) {
      String rest = path.substring(q + 1);
      path = path.substring(0, q);
      if (!rest.startsWith("versionId=") || rest.indexOf('&') >= 0) {
        throw bad;
      }
      versionId = decodeOrRefuse(rest.substring("versionId=".length()), bad);
      if (versionId.isEmpty()) {
        throw bad;
      }
    }
    String decoded = decodeOrRefuse(path, bad);
    if (decoded.startsWith("/")) {
      decoded = decoded.substring(1);
    }
    int slash = decoded.indexOf('/');
    if (slash <= 0 || slash == decoded.length() - 1) {
      throw bad;
    }
    String bucket = decoded.substring(0, slash);
    String key = decoded.substring(slash + 1);
    if (!BucketName.isAddressable(bucket)) {
      throw bad;
    }
    try {
      ObjectKeys.check(key);
    } catch (S3Exception e) {
      throw bad;
    }
    return new CopySource(bucket, key, versionId);
  }

  private static String decodeOrRefuse(String raw, S3Exception bad) throws S3Exception {
    try {
      return PercentDecoding.form(raw);
    } catch (S3Exception e) {
      throw bad;
    }
  }

  private static S3Exception unsupported(
      String method, String bucket, String key, Map<String, String> query, Map<String, String> headers) {
    String type = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
    if (method.equals("POST") && bucket != null && type.startsWith("multipart/form-data")) {
      return new S3Exception(S3Error.NOT_IMPLEMENTED, "POST Object (browser form upload) is not supported.");
    }
    if (query.isEmpty()) {
      return new S3Exception(S3Error.METHOD_NOT_ALLOWED);
    }
    String name = query.keySet().iterator().next();
    return argument("The parameter " + printable(name) + " is not valid for this resource and method.", name,
        query.get(name));
  }

  private static long contentLength(Map<String, String> headers, boolean awsChunked) throws S3Exception {
    String length = awsChunked ? headers.get("x-amz-decoded-content-length") : headers.get("content-length");
    if (length == null) {
      if (awsChunked || headers.containsKey("transfer-encoding")) {
        return S3RequestModel.CHUNKED;
      }
      return S3RequestModel.NO_BODY;
    }
    if (!digits(length, 18)) {
      throw new S3Exception(S3Error.INVALID_ARGUMENT,
          (awsChunked ? "x-amz-decoded-content-length" : "Content-Length") + " is not a valid length.");
    }
    return Long.parseLong(length);
  }

  /** 1 to {@code max} ASCII digits (no regex: this runs on every request). */
  private static boolean digits(String s, int max) {
    if (s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String withoutAwsChunked(String contentEncoding) {
    List<String> kept = new ArrayList<>();
    for (String coding : contentEncoding.split(",")) {
      String c = coding.trim();
      if (!c.isEmpty() && !c.equalsIgnoreCase("aws-chunked")) {
        kept.add(c);
      }
    }
    return String.join(",", kept);
  }

  private static S3Exception argument(String message, String name, String value) {
    Map<String, String> extra = new LinkedHashMap<>();
    if (name != null) {
      extra.put("ArgumentName", printable(name));
    }
    if (value != null) {
      extra.put("ArgumentValue", printable(value));
    }
    return new S3Exception(S3Error.INVALID_ARGUMENT, message, extra);
  }

  /** Echoed text stays short and XML-safe. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 128));
    for (int i = 0; i < s.length() && sb.length() < 128; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
    }
    return sb.toString();
  }
}
