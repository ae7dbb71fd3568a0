package dev.tokengate.proxy.s3.request;

import static dev.tokengate.policy.s3.S3Operation.*;

import dev.tokengate.policy.s3.S3Operation;
import java.util.EnumSet;
import java.util.Locale;
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

  private ForwardedHeaders() {}

  /** Whether the backend receives header {@code name} (any case) on {@code op}. */
  public static boolean forwards(S3Operation op, String name) {
    String h = name.toLowerCase(Locale.ROOT);
    if (COMMON.contains(h)) {
      return true;
    }
    if (WRITES_OBJECT.contains(op)
        && (OBJECT_WRITE.contains(h) || ACL.contains(h) || SSE_C.contains(h) || h.startsWith("x-amz-meta-")
            || (op != COPY_OBJECT && BODY.contains(h)))) {
      return true;
    }
    return switch (op) {
      case COPY_OBJECT -> COPY_CONDITIONS.contains(h) || COPY_SOURCE_SSE_C.contains(h)
          || h.equals("x-amz-copy-source") || h.equals("x-amz-metadata-directive")
          || h.equals("x-amz-tagging-directive");
      case UPLOAD_PART -> BODY.contains(h) || SSE_C.contains(h);
      case UPLOAD_PART_COPY -> COPY_CONDITIONS.contains(h) || COPY_SOURCE_SSE_C.contains(h) || SSE_C.contains(h)
          || h.equals("x-amz-copy-source") || h.equals("x-amz-copy-source-range");
      case COMPLETE_MULTIPART_UPLOAD -> BODY.contains(h) || SSE_C.contains(h) || h.equals("if-match")
          || h.equals("if-none-match") || h.equals("x-amz-mp-object-size") || h.equals("x-amz-checksum-type");
      case GET_OBJECT, HEAD_OBJECT -> READ_CONDITIONS.contains(h) || SSE_C.contains(h) || h.equals("range")
          || h.equals("x-amz-checksum-mode");
      case GET_OBJECT_ATTRIBUTES -> SSE_C.contains(h) || h.equals("x-amz-object-attributes")
          || h.equals("x-amz-max-parts") || h.equals("x-amz-part-number-marker");
      case LIST_OBJECTS_V2, LIST_OBJECTS -> h.equals("x-amz-optional-object-attributes");
      case DELETE_OBJECT -> h.equals("x-amz-mfa") || h.equals("x-amz-bypass-governance-retention");
      case DELETE_OBJECTS -> BODY.contains(h) || h.equals("x-amz-mfa") || h.equals("x-amz-bypass-governance-retention");
      case PUT_OBJECT_ACL, PUT_BUCKET_ACL -> BODY.contains(h) || ACL.contains(h);
      case CREATE_BUCKET -> BODY.contains(h) || ACL.contains(h) || h.equals("x-amz-bucket-object-lock-enabled")
          || h.equals("x-amz-object-ownership");
      case PUT_OBJECT_RETENTION -> BODY.contains(h) || h.equals("x-amz-bypass-governance-retention");
      case PUT_BUCKET_VERSIONING -> BODY.contains(h) || h.equals("x-amz-mfa");
      case SELECT_OBJECT_CONTENT -> BODY.contains(h) || SSE_C.contains(h);
      case PUT_OBJECT_TAGGING, PUT_OBJECT_LEGAL_HOLD, RESTORE_OBJECT, PUT_BUCKET_CORS, PUT_BUCKET_LIFECYCLE,
          PUT_BUCKET_TAGGING, PUT_BUCKET_WEBSITE, PUT_BUCKET_LOGGING, PUT_BUCKET_NOTIFICATION,
          PUT_BUCKET_ENCRYPTION, PUT_BUCKET_REPLICATION, PUT_BUCKET_REQUEST_PAYMENT, PUT_BUCKET_ACCELERATE,
          PUT_BUCKET_ANALYTICS, PUT_BUCKET_INVENTORY, PUT_BUCKET_METRICS, PUT_BUCKET_INTELLIGENT_TIERING,
          PUT_PUBLIC_ACCESS_BLOCK, PUT_BUCKET_OWNERSHIP_CONTROLS, PUT_OBJECT_LOCK_CONFIGURATION,
          PUT_BUCKET_POLICY -> BODY.contains(h);
      default -> false;
    };
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
