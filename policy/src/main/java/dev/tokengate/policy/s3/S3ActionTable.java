package dev.tokengate.policy.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an S3 request into the IAM (action, resource) pairs it needs, following AWS's table: the
 * operation's action (its Version variant when a {@code versionId} is given) plus the extra
 * permissions of multi-permission operations (copy source, tagging/ACL/lock headers, CreateBucket
 * options).
 */
public final class S3ActionTable {
  /**
   * The resource a service-level action (ListAllMyBuckets) is evaluated on: AWS's own examples grant
   * it on {@code arn:aws:s3:::*}, and {@code "*"} matches it as well.
   */
  public static final String SERVICE_RESOURCE = "arn:aws:s3:::*";

  private static final String[] ACL_HEADERS = {"x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read",
      "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp"};

  private S3ActionTable() {}

  /** Classifies {@code request} and lists every permission it needs; UNKNOWN has none and is denied. */
  public static S3Authorization resolve(S3Request request) {
    S3Operation op = request.operation();
    if (op == S3Operation.UNKNOWN) {
      return S3Authorization.unknownOperation();
    }
    List<S3Permission> out = new ArrayList<>(3);
    switch (op.scope()) {
      case SERVICE -> out.add(new S3Permission(op.action(), SERVICE_RESOURCE));
      case BUCKET -> {
        if (op == S3Operation.DELETE_OBJECTS) {
          return new S3Authorization(op, List.of(), true);
        }
        out.add(new S3Permission(op.action(), S3Permission.bucketArn(request.bucket())));
        if (op == S3Operation.CREATE_BUCKET) {
          createBucketExtras(request, out);
        }
      }
      case OBJECT -> {
        String object = S3Permission.objectArn(request.bucket(), request.key());
        String action = request.versionId() != null ? op.versionAction() : op.action();
        if (op == S3Operation.COPY_OBJECT || op == S3Operation.UPLOAD_PART_COPY) {
          CopySource source = request.copySource();
          if (source == null) {
            return S3Authorization.unknownOperation();
          }
          out.add(new S3Permission(source.versionId() == null ? "s3:GetObject" : "s3:GetObjectVersion",
              S3Permission.objectArn(source.bucket(), source.key())));
          action = "s3:PutObject"; // a versionId never applies to the destination
        }
        out.add(new S3Permission(action, object));
        objectExtras(op, request, object, out);
      }
    }
    return new S3Authorization(op, out, false);
  }

  /**
   * The permission DeleteObjects needs for one key of its body: {@code s3:DeleteObject}, or
   * {@code s3:DeleteObjectVersion} when the entry names a version.
   */
  public static S3Permission deleteObjectsEntry(String bucket, String key, String versionId) {
    return new S3Permission(versionId == null || versionId.isEmpty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion",
        S3Permission.objectArn(bucket, key));
  }

  private static void createBucketExtras(S3Request request, List<S3Permission> out) {
    String bucket = S3Permission.bucketArn(request.bucket());
    if (hasAcl(request)) {
      out.add(new S3Permission("s3:PutBucketAcl", bucket));
    }
    if ("true".equalsIgnoreCase(request.lowerHeader("x-amz-bucket-object-lock-enabled"))) {
      out.add(new S3Permission("s3:PutBucketObjectLockConfiguration", bucket));
      out.add(new S3Permission("s3:PutBucketVersioning", bucket));
    }
    if (request.lowerHeader("x-amz-object-ownership") != null) {
      out.add(new S3Permission("s3:PutBucketOwnershipControls", bucket));
    }
  }

  private static void objectExtras(S3Operation op, S3Request request, String object, List<S3Permission> out) {
    boolean writesObject = op == S3Operation.PUT_OBJECT || op == S3Operation.COPY_OBJECT
        || op == S3Operation.CREATE_MULTIPART_UPLOAD || op == S3Operation.POST_OBJECT;
    if (writesObject) {
      if (request.lowerHeader("x-amz-tagging") != null) {
        out.add(new S3Permission("s3:PutObjectTagging", object));
      }
      if (hasAcl(request)) {
        out.add(new S3Permission("s3:PutObjectAcl", object));
      }
      if (request.lowerHeader("x-amz-object-lock-mode") != null
          || request.lowerHeader("x-amz-object-lock-retain-until-date") != null) {
        out.add(new S3Permission("s3:PutObjectRetention", object));
      }
      if (request.lowerHeader("x-amz-object-lock-legal-hold") != null) {
        out.add(new S3Permission("s3:PutObjectLegalHold", object));
      }
    }
    boolean bypass = "true".equals(lower(request.lowerHeader("x-amz-bypass-governance-retention")));
    if (bypass && (op == S3Operation.DELETE_OBJECT || op == S3Operation.PUT_OBJECT_RETENTION)) {
      out.add(new S3Permission("s3:BypassGovernanceRetention", object));
    }
  }

  private static boolean hasAcl(S3Request request) {
    for (String h : ACL_HEADERS) {
      if (request.lowerHeader(h) != null) {
        return true;
      }
    }
    return false;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
