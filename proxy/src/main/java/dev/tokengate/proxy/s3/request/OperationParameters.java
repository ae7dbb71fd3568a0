package dev.tokengate.proxy.s3.request;

import static dev.tokengate.policy.s3.S3Operation.*;

import dev.tokengate.policy.s3.S3Operation;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters S3 defines for each operation (from the S3 API reference's URI request
 * parameters). A request carrying any other parameter is refused, so the backend can never act on
 * a parameter the classifier did not see. Sub-resource names are listed with their operation.
 */
final class OperationParameters {
  private static final Set<String> RESPONSE_OVERRIDES = Set.of("response-cache-control",
      "response-content-disposition", "response-content-encoding", "response-content-language",
      "response-content-type", "response-expires");

  private static final Map<S3Operation, String> SUB_RESOURCE_OF = subResources();
  private static final Map<S3Operation, Set<String>> ALLOWED = new EnumMap<>(S3Operation.class);

  static {
    allow(LIST_BUCKETS, "max-buckets", "continuation-token", "prefix", "bucket-region");
    allow(CREATE_BUCKET);
    allow(DELETE_BUCKET);
    allow(HEAD_BUCKET);
    allow(LIST_OBJECTS, "delimiter", "encoding-type", "marker", "max-keys", "prefix");
    allow(LIST_OBJECTS_V2, "list-type", "continuation-token", "delimiter", "encoding-type", "fetch-owner",
        "max-keys", "prefix", "start-after");
    allow(LIST_OBJECT_VERSIONS, "versions", "delimiter", "encoding-type", "key-marker", "max-keys", "prefix",
        "version-id-marker");
    allow(LIST_MULTIPART_UPLOADS, "uploads", "delimiter", "encoding-type", "key-marker", "max-uploads", "prefix",
        "upload-id-marker");
    allow(GET_BUCKET_LOCATION, "location");
    allow(GET_BUCKET_POLICY_STATUS, "policyStatus");
    allow(DELETE_OBJECTS, "delete");
    for (String sub : new String[] {"versioning", "policy", "acl", "cors", "lifecycle", "tagging", "website",
        "logging", "notification", "encryption", "replication", "requestPayment", "accelerate",
        "publicAccessBlock", "ownershipControls", "object-lock"}) {
      bucketSubResource(sub);
    }
    for (String sub : new String[] {"analytics", "inventory", "metrics", "intelligent-tiering"}) {
      bucketSubResource(sub, "id", "continuation-token");
    }

    allow(GET_OBJECT, union(RESPONSE_OVERRIDES, "versionId", "partNumber"));
    allow(HEAD_OBJECT, union(RESPONSE_OVERRIDES, "versionId", "partNumber"));
    allow(GET_OBJECT_ATTRIBUTES, "attributes", "versionId");
    allow(SELECT_OBJECT_CONTENT, "select", "select-type");
    allow(GET_OBJECT_TORRENT, "torrent");
    allow(PUT_OBJECT);
    allow(COPY_OBJECT);
    allow(DELETE_OBJECT, "versionId");
    allow(RESTORE_OBJECT, "restore", "versionId");
    allow(GET_OBJECT_TAGGING, "tagging", "versionId");
    allow(PUT_OBJECT_TAGGING, "tagging", "versionId");
    allow(DELETE_OBJECT_TAGGING, "tagging", "versionId");
    allow(GET_OBJECT_ACL, "acl", "versionId");
    allow(PUT_OBJECT_ACL, "acl", "versionId");
    allow(GET_OBJECT_RETENTION, "retention", "versionId");
    allow(PUT_OBJECT_RETENTION, "retention", "versionId");
    allow(GET_OBJECT_LEGAL_HOLD, "legal-hold", "versionId");
    allow(PUT_OBJECT_LEGAL_HOLD, "legal-hold", "versionId");
    allow(CREATE_MULTIPART_UPLOAD, "uploads");
    allow(UPLOAD_PART, "partNumber", "uploadId");
    allow(UPLOAD_PART_COPY, "partNumber", "uploadId");
    allow(COMPLETE_MULTIPART_UPLOAD, "uploadId");
    allow(ABORT_MULTIPART_UPLOAD, "uploadId");
    allow(LIST_PARTS, "uploadId", "max-parts", "part-number-marker");
  }

  private OperationParameters() {}

  /** Whether {@code op} defines the query parameter {@code name} (exact case, as S3). */
  static boolean allows(S3Operation op, String name) {
    Set<String> names = ALLOWED.get(op);
    return names != null && names.contains(name);
  }

  /** Every operation the proxy forwards has its parameter list here (checked by a test). */
  static boolean covers(S3Operation op) {
    return ALLOWED.containsKey(op);
  }

  private static void bucketSubResource(String sub, String... extra) {
    for (S3Operation op : S3Operation.values()) {
      if (op.scope() == S3Operation.Scope.BUCKET && SUB_RESOURCE_OF.getOrDefault(op, "").equals(sub)) {
        allow(op, union(Set.of(extra), sub));
      }
    }
  }

  private static Map<S3Operation, String> subResources() {
    Map<S3Operation, String> m = new EnumMap<>(S3Operation.class);
    put(m, "versioning", GET_BUCKET_VERSIONING, PUT_BUCKET_VERSIONING);
    put(m, "policy", GET_BUCKET_POLICY, PUT_BUCKET_POLICY, DELETE_BUCKET_POLICY);
    put(m, "acl", GET_BUCKET_ACL, PUT_BUCKET_ACL);
    put(m, "cors", GET_BUCKET_CORS, PUT_BUCKET_CORS, DELETE_BUCKET_CORS);
    put(m, "lifecycle", GET_BUCKET_LIFECYCLE, PUT_BUCKET_LIFECYCLE, DELETE_BUCKET_LIFECYCLE);
    put(m, "tagging", GET_BUCKET_TAGGING, PUT_BUCKET_TAGGING, DELETE_BUCKET_TAGGING);
    put(m, "website", GET_BUCKET_WEBSITE, PUT_BUCKET_WEBSITE, DELETE_BUCKET_WEBSITE);
    put(m, "logging", GET_BUCKET_LOGGING, PUT_BUCKET_LOGGING);
    put(m, "notification", GET_BUCKET_NOTIFICATION, PUT_BUCKET_NOTIFICATION);
    put(m, "encryption", GET_BUCKET_ENCRYPTION, PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION);
    put(m, "replication", GET_BUCKET_REPLICATION, PUT_BUCKET_REPLICATION, DELETE_BUCKET_REPLICATION);
    put(m, "requestPayment", GET_BUCKET_REQUEST_PAYMENT, PUT_BUCKET_REQUEST_PAYMENT);
    put(m, "accelerate", GET_BUCKET_ACCELERATE, PUT_BUCKET_ACCELERATE);
    put(m, "publicAccessBlock", GET_PUBLIC_ACCESS_BLOCK, PUT_PUBLIC_ACCESS_BLOCK, DELETE_PUBLIC_ACCESS_BLOCK);
    put(m, "ownershipControls", GET_BUCKET_OWNERSHIP_CONTROLS, PUT_BUCKET_OWNERSHIP_CONTROLS,
        DELETE_BUCKET_OWNERSHIP_CONTROLS);
    put(m, "object-lock", GET_OBJECT_LOCK_CONFIGURATION, PUT_OBJECT_LOCK_CONFIGURATION);
    put(m, "analytics", GET_BUCKET_ANALYTICS, LIST_BUCKET_ANALYTICS, PUT_BUCKET_ANALYTICS, DELETE_BUCKET_ANALYTICS);
    put(m, "inventory", GET_BUCKET_INVENTORY, LIST_BUCKET_INVENTORY, PUT_BUCKET_INVENTORY, DELETE_BUCKET_INVENTORY);
    put(m, "metrics", GET_BUCKET_METRICS, LIST_BUCKET_METRICS, PUT_BUCKET_METRICS, DELETE_BUCKET_METRICS);
    put(m, "intelligent-tiering", GET_BUCKET_INTELLIGENT_TIERING, LIST_BUCKET_INTELLIGENT_TIERING,
        PUT_BUCKET_INTELLIGENT_TIERING, DELETE_BUCKET_INTELLIGENT_TIERING);
    return m;
  }

  private static void put(Map<S3Operation, String> m, String sub, S3Operation... ops) {
    for (S3Operation op : ops) {
      m.put(op, sub);
    }
  }

  private static void allow(S3Operation op, String... names) {
    ALLOWED.put(op, Set.of(names));
  }

  private static void allow(S3Operation op, Set<String> names) {
    ALLOWED.put(op, names);
  }

  private static Set<String> union(Set<String> base, String... more) {
    java.util.HashSet<String> s = new java.util.HashSet<>(base);
    s.addAll(Set.of(more));
    return Set.copyOf(s);
  }
}
