package dev.tokengate.policy.s3;

import static dev.tokengate.policy.s3.S3Operation.*;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Classifies an {@link S3Request} into an {@link S3Operation} from its method, whether it names a
 * bucket and key, and its sub-resource query parameters.
 */
public final class S3OperationClassifier {

  /** A bucket sub-resource with its GET / PUT / DELETE operations (null = not supported). */
  private record SubResource(String name, S3Operation get, S3Operation put, S3Operation delete, S3Operation list) {}

  // Order matters only for requests naming several sub-resources, which S3 itself rejects.
  private static final List<SubResource> BUCKET_SUBRESOURCES = List.of(
      new SubResource("versioning", GET_BUCKET_VERSIONING, PUT_BUCKET_VERSIONING, null, null),
      new SubResource("policyStatus", GET_BUCKET_POLICY_STATUS, null, null, null),
      new SubResource("policy", GET_BUCKET_POLICY, PUT_BUCKET_POLICY, DELETE_BUCKET_POLICY, null),
      new SubResource("acl", GET_BUCKET_ACL, PUT_BUCKET_ACL, null, null),
      new SubResource("cors", GET_BUCKET_CORS, PUT_BUCKET_CORS, DELETE_BUCKET_CORS, null),
      new SubResource("lifecycle", GET_BUCKET_LIFECYCLE, PUT_BUCKET_LIFECYCLE, DELETE_BUCKET_LIFECYCLE, null),
      new SubResource("tagging", GET_BUCKET_TAGGING, PUT_BUCKET_TAGGING, DELETE_BUCKET_TAGGING, null),
      new SubResource("website", GET_BUCKET_WEBSITE, PUT_BUCKET_WEBSITE, DELETE_BUCKET_WEBSITE, null),
      new SubResource("logging", GET_BUCKET_LOGGING, PUT_BUCKET_LOGGING, null, null),
      new SubResource("notification", GET_BUCKET_NOTIFICATION, PUT_BUCKET_NOTIFICATION, null, null),
      new SubResource("encryption", GET_BUCKET_ENCRYPTION, PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION, null),
      new SubResource("replication", GET_BUCKET_REPLICATION, PUT_BUCKET_REPLICATION, DELETE_BUCKET_REPLICATION,
          null),
      new SubResource("requestPayment", GET_BUCKET_REQUEST_PAYMENT, PUT_BUCKET_REQUEST_PAYMENT, null, null),
      new SubResource("accelerate", GET_BUCKET_ACCELERATE, PUT_BUCKET_ACCELERATE, null, null),
      new SubResource("analytics", GET_BUCKET_ANALYTICS, PUT_BUCKET_ANALYTICS, DELETE_BUCKET_ANALYTICS,
          LIST_BUCKET_ANALYTICS),
      new SubResource("inventory", GET_BUCKET_INVENTORY, PUT_BUCKET_INVENTORY, DELETE_BUCKET_INVENTORY,
          LIST_BUCKET_INVENTORY),
      new SubResource("metrics", GET_BUCKET_METRICS, PUT_BUCKET_METRICS, DELETE_BUCKET_METRICS, LIST_BUCKET_METRICS),
      new SubResource("intelligent-tiering", GET_BUCKET_INTELLIGENT_TIERING, PUT_BUCKET_INTELLIGENT_TIERING,
          DELETE_BUCKET_INTELLIGENT_TIERING, LIST_BUCKET_INTELLIGENT_TIERING),
      new SubResource("publicAccessBlock", GET_PUBLIC_ACCESS_BLOCK, PUT_PUBLIC_ACCESS_BLOCK,
          DELETE_PUBLIC_ACCESS_BLOCK, null),
      new SubResource("ownershipControls", GET_BUCKET_OWNERSHIP_CONTROLS, PUT_BUCKET_OWNERSHIP_CONTROLS,
          DELETE_BUCKET_OWNERSHIP_CONTROLS, null),
      new SubResource("object-lock", GET_OBJECT_LOCK_CONFIGURATION, PUT_OBJECT_LOCK_CONFIGURATION, null, null),
      new SubResource("location", GET_BUCKET_LOCATION, null, null, null),
      new SubResource("versions", LIST_OBJECT_VERSIONS, null, null, null),
      new SubResource("uploads", LIST_MULTIPART_UPLOADS, null, null, null));

  /** Sub-resources this table does not map; a request naming one is UNKNOWN rather than guessed. */
  private static final Set<String> UNSUPPORTED = Set.of("torrent", "restore", "select", "attributes",
      "legal-hold", "retention", "delete", "uploadId", "partNumber", "session", "metadataTable",
      "metadataConfiguration", "replicationMetrics", "renameObject");

  private static final Set<String> OBJECT_ONLY = Set.of("retention", "legal-hold", "torrent", "attributes",
      "restore", "select", "uploadId", "partNumber");

  private S3OperationClassifier() {}

  /** The operation of {@code request}; {@link S3Operation#UNKNOWN} if it is not one we map. */
  public static S3Operation classify(S3Request request) {
    return request.operation();
  }

  /**
   * The operation of a request given by its parts; {@link S3Operation#UNKNOWN} if it is not one we map.
   *
   * @param bucket null for the service
   * @param key null for bucket-level requests
   * @param lowerCaseHeaders header names lower case
   */
  public static S3Operation classify(String method, String bucket, String key, Map<String, String> query,
      Map<String, String> lowerCaseHeaders) {
    String m = method.toUpperCase(Locale.ROOT);
    if (bucket == null) {
      return m.equals("GET") && key == null ? LIST_BUCKETS : UNKNOWN;
    }
    return key == null ? bucketOperation(m, query) : objectOperation(m, query, lowerCaseHeaders);
  }

  private static S3Operation bucketOperation(String method, Map<String, String> q) {
    switch (method) {
      case "HEAD":
        return HEAD_BUCKET;
      case "POST":
        if (q.containsKey("delete")) {
          return DELETE_OBJECTS;
        }
        // A browser-form upload names its key in the body: the proxy classifies it again with that key.
        return UNKNOWN;
      case "GET":
      case "PUT":
      case "DELETE":
        break;
      default:
        return UNKNOWN;
    }
    for (SubResource s : BUCKET_SUBRESOURCES) {
      if (!q.containsKey(s.name())) {
        continue;
      }
      S3Operation op = switch (method) {
        case "GET" -> s.list() != null && !q.containsKey("id") ? s.list() : s.get();
        case "PUT" -> s.put();
        default -> s.delete();
      };
      return op == null ? UNKNOWN : op;
    }
    for (String name : q.keySet()) {
      if (UNSUPPORTED.contains(name)) {
        return UNKNOWN;
      }
    }
    return switch (method) {
      case "GET" -> "2".equals(q.get("list-type")) ? LIST_OBJECTS_V2 : LIST_OBJECTS;
      case "PUT" -> CREATE_BUCKET;
      default -> DELETE_BUCKET;
    };
  }

  private static S3Operation objectOperation(String method, Map<String, String> q, Map<String, String> headers) {
    boolean copy = headers.get("x-amz-copy-source") != null;
    switch (method) {
      case "GET":
        if (q.containsKey("uploadId")) {
          return LIST_PARTS;
        }
        if (q.containsKey("acl")) {
          return GET_OBJECT_ACL;
        }
        if (q.containsKey("tagging")) {
          return GET_OBJECT_TAGGING;
        }
        if (q.containsKey("retention")) {
          return GET_OBJECT_RETENTION;
        }
        if (q.containsKey("legal-hold")) {
          return GET_OBJECT_LEGAL_HOLD;
        }
        if (q.containsKey("torrent")) {
          return GET_OBJECT_TORRENT;
        }
        if (q.containsKey("attributes")) {
          return GET_OBJECT_ATTRIBUTES;
        }
        return plainObject(q, GET_OBJECT, "partNumber");
      case "HEAD":
        return plainObject(q, HEAD_OBJECT, "partNumber");
      case "PUT":
        if (q.containsKey("partNumber") && q.containsKey("uploadId")) {
          return copy ? UPLOAD_PART_COPY : UPLOAD_PART;
        }
        if (q.containsKey("acl")) {
          return PUT_OBJECT_ACL;
        }
        if (q.containsKey("tagging")) {
          return PUT_OBJECT_TAGGING;
        }
        if (q.containsKey("retention")) {
          return PUT_OBJECT_RETENTION;
        }
        if (q.containsKey("legal-hold")) {
          return PUT_OBJECT_LEGAL_HOLD;
        }
        return plainObject(q, copy ? COPY_OBJECT : PUT_OBJECT);
      case "DELETE":
        if (q.containsKey("uploadId")) {
          return ABORT_MULTIPART_UPLOAD;
        }
        if (q.containsKey("tagging")) {
          return DELETE_OBJECT_TAGGING;
        }
        return plainObject(q, DELETE_OBJECT);
      case "POST":
        if (q.containsKey("uploads")) {
          return CREATE_MULTIPART_UPLOAD;
        }
        if (q.containsKey("uploadId")) {
          return COMPLETE_MULTIPART_UPLOAD;
        }
        if (q.containsKey("restore")) {
          return RESTORE_OBJECT;
        }
        if (q.containsKey("select")) {
          return SELECT_OBJECT_CONTENT;
        }
        String type = headers.get("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") ? POST_OBJECT : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  // A plain object request carrying a bucket-only or unmapped sub-resource is not guessed at.
  private static S3Operation plainObject(Map<String, String> q, S3Operation op) {
    return plainObject(q, op, null);
  }

  /** @param allowed a parameter of {@code op} that names a sub-resource elsewhere (GET ?partNumber=N), or null */
  private static S3Operation plainObject(Map<String, String> q, S3Operation op, String allowed) {
    for (SubResource s : BUCKET_SUBRESOURCES) {
      if (q.containsKey(s.name())) {
        return UNKNOWN;
      }
    }
    for (String name : q.keySet()) {
      if ((UNSUPPORTED.contains(name) || OBJECT_ONLY.contains(name)) && !name.equals(allowed)) {
        return UNKNOWN;
      }
    }
    return op;
  }
}
