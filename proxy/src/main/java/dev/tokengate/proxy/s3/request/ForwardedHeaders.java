package dev.tokengate.proxy.s3.request;

import static dev.tokengate.policy.s3.S3Operation.*;

import dev.tokengate.policy.s3.S3Operation;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request headers the backend may receive, per operation (names lower case). Everything else
 * — hop-by-hop and framing headers, the client's authentication, {@code User-Agent},
 * {@code Accept-Encoding}, unknown {@code x-amz-*} headers, headers of other operations — is
 * dropped; framing, {@code Host}, {@code x-amz-date}, {@code x-amz-content-sha256} and the
 * signature are written afresh by the backend request factory.
 */
public final class ForwardedHeaders {
  private static final Set<String> COMMON = Set.of("x-amz-expected-bucket-owner", "x-amz-request-payer");

  private static final Set<String> BODY = Set.of("content-type", "content-md5", "x-amz-sdk-checksum-algorithm",
      "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1",
      "x-amz-checksum-sha256");

  private static final Set<String> SSE_C = Set.of("x-amz-server-side-encryption-customer-algorithm",
      "x-amz-server-side-encryption-customer-key", "x-amz-server-side-encryption-customer-key-md5");

  private static final Set<String> COPY_SOURCE_SSE_C = Set.of(
      "x-amz-copy-source-server-side-encryption-customer-algorithm",
      "x-amz-copy-source-server-side-encryption-customer-key",
      "x-amz-copy-source-server-side-encryption-customer-key-md5");

  private static final Set<String> COPY_CONDITIONS = Set.of("x-amz-copy-source-if-match",
      "x-amz-copy-source-if-none-match", "x-amz-copy-source-if-modified-since",
      "x-amz-copy-source-if-unmodified-since", "x-amz-source-expected-bucket-owner");

  private static final Set<String> ACL = Set.of("x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read",
      "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp");

  private static final Set<String> OBJECT_WRITE = Set.of("cache-control", "content-disposition", "content-encoding",
      "content-language", "content-type", "expires", "x-amz-storage-class", "x-amz-tagging",
      "x-amz-website-redirect-location", "x-amz-server-side-encryption",
      "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
      "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-object-lock-mode",
      "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold", "x-amz-checksum-algorithm",
      "x-amz-checksum-type", "if-match", "if-none-match");

  private static final Set<String> READ_CONDITIONS = Set.of("if-match", "if-none-match", "if-modified-since",
      "if-unmodified-since");

  private static final Set<S3Operation> WRITES_OBJECT = EnumSet.of(PUT_OBJECT, COPY_OBJECT, CREATE_MULTIPART_UPLOAD);

  /** Per operation, every exact name forwarded (x-amz-meta-* aside): one lookup per header. */
  private static final Map<S3Operation, Set<String>> TABLE = table();

  private ForwardedHeaders() {}

  /** Whether the backend receives header {@code name} (any case) on {@code op}. */
  public static boolean forwards(S3Operation op, String name) {
    return forwardsLower(op, name.toLowerCase(Locale.ROOT));
  }

  /** {@link #forwards} for a name already in lower case (the parser's, once per header). */
  static boolean forwardsLower(S3Operation op, String lowerName) {
    return TABLE.get(op).contains(lowerName) || (WRITES_OBJECT.contains(op) && lowerName.startsWith("x-amz-meta-"));
  }

  private static Map<S3Operation, Set<String>> table() {
    Map<S3Operation, Set<String>> t = new EnumMap<>(S3Operation.class);
    for (S3Operation op : S3Operation.values()) {
      t.put(op, new HashSet<>(COMMON));
    }
    for (S3Operation op : WRITES_OBJECT) {
      add(t, op, OBJECT_WRITE, ACL, SSE_C);
      if (op != COPY_OBJECT) {
        add(t, op, BODY);
      }
    }
    add(t, COPY_OBJECT, COPY_CONDITIONS, COPY_SOURCE_SSE_C,
        Set.of("x-amz-copy-source", "x-amz-metadata-directive", "x-amz-tagging-directive"));
    add(t, UPLOAD_PART, BODY, SSE_C);
    add(t, UPLOAD_PART_COPY, COPY_CONDITIONS, COPY_SOURCE_SSE_C, SSE_C,
        Set.of("x-amz-copy-source", "x-amz-copy-source-range"));
    add(t, COMPLETE_MULTIPART_UPLOAD, BODY, SSE_C,
        Set.of("if-match", "if-none-match", "x-amz-mp-object-size", "x-amz-checksum-type"));
    for (S3Operation op : List.of(GET_OBJECT, HEAD_OBJECT)) {
      add(t, op, READ_CONDITIONS, SSE_C, Set.of("range", "x-amz-checksum-mode"));
    }
    add(t, GET_OBJECT_ATTRIBUTES, SSE_C,
        Set.of("x-amz-object-attributes", "x-amz-max-parts", "x-amz-part-number-marker"));
    add(t, LIST_OBJECTS_V2, Set.of("x-amz-optional-object-attributes"));
    add(t, LIST_OBJECTS, Set.of("x-amz-optional-object-attributes"));
    add(t, DELETE_OBJECT, Set.of("x-amz-mfa", "x-amz-bypass-governance-retention"));
    add(t, DELETE_OBJECTS, BODY, Set.of("x-amz-mfa", "x-amz-bypass-governance-retention"));
    add(t, PUT_OBJECT_ACL, BODY, ACL);
    add(t, PUT_BUCKET_ACL, BODY, ACL);
    add(t, CREATE_BUCKET, BODY, ACL, Set.of("x-amz-bucket-object-lock-enabled", "x-amz-object-ownership"));
    add(t, PUT_OBJECT_RETENTION, BODY, Set.of("x-amz-bypass-governance-retention"));
    add(t, PUT_BUCKET_VERSIONING, BODY, Set.of("x-amz-mfa"));
    add(t, SELECT_OBJECT_CONTENT, BODY, SSE_C);
    for (S3Operation op : List.of(PUT_OBJECT_TAGGING, PUT_OBJECT_LEGAL_HOLD, RESTORE_OBJECT, PUT_BUCKET_CORS,
        PUT_BUCKET_LIFECYCLE, PUT_BUCKET_TAGGING, PUT_BUCKET_WEBSITE, PUT_BUCKET_LOGGING, PUT_BUCKET_NOTIFICATION,
        PUT_BUCKET_ENCRYPTION, PUT_BUCKET_REPLICATION, PUT_BUCKET_REQUEST_PAYMENT, PUT_BUCKET_ACCELERATE,
        PUT_BUCKET_ANALYTICS, PUT_BUCKET_INVENTORY, PUT_BUCKET_METRICS, PUT_BUCKET_INTELLIGENT_TIERING,
        PUT_PUBLIC_ACCESS_BLOCK, PUT_BUCKET_OWNERSHIP_CONTROLS, PUT_OBJECT_LOCK_CONFIGURATION, PUT_BUCKET_POLICY)) {
      add(t, op, BODY);
    }
    t.replaceAll((op, names) -> Set.copyOf(names));
    return t;
  }

  @SafeVarargs
  private static void add(Map<S3Operation, Set<String>> t, S3Operation op, Set<String>... groups) {
    for (Set<String> g : groups) {
      t.get(op).addAll(g);
    }
  }

  /**
   * Headers the proxy itself reads to authenticate, frame or classify a request: a repeat of one
   * of these, or of any forwarded header, is refused, since two readers could pick different copies.
   */
  static boolean isSingular(String lowerName) {
    return lowerName.startsWith("x-amz-") || lowerName.startsWith("content-") || lowerName.startsWith("if-")
        || switch (lowerName) {
          case "host", "authorization", "transfer-encoding", "expect", "range", "cache-control", "expires",
              "referer", "user-agent", "connection" -> true;
          default -> false;
        };
  }
}
