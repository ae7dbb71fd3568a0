package dev.tokengate.policy.s3;

/**
 * The S3 operations the proxy authorizes, each with the IAM action it needs and, where AWS has
 * one, the action used instead when the request names a {@code versionId}.
 */
public enum S3Operation {
  LIST_BUCKETS(Scope.SERVICE, "s3:ListAllMyBuckets"),

  CREATE_BUCKET(Scope.BUCKET, "s3:CreateBucket"),
  DELETE_BUCKET(Scope.BUCKET, "s3:DeleteBucket"),
  HEAD_BUCKET(Scope.BUCKET, "s3:ListBucket"),
  LIST_OBJECTS(Scope.BUCKET, "s3:ListBucket"),
  LIST_OBJECTS_V2(Scope.BUCKET, "s3:ListBucket"),
  LIST_OBJECT_VERSIONS(Scope.BUCKET, "s3:ListBucketVersions"),
  LIST_MULTIPART_UPLOADS(Scope.BUCKET, "s3:ListBucketMultipartUploads"),
  GET_BUCKET_LOCATION(Scope.BUCKET, "s3:GetBucketLocation"),
  GET_BUCKET_VERSIONING(Scope.BUCKET, "s3:GetBucketVersioning"),
  PUT_BUCKET_VERSIONING(Scope.BUCKET, "s3:PutBucketVersioning"),
  GET_BUCKET_POLICY(Scope.BUCKET, "s3:GetBucketPolicy"),
  PUT_BUCKET_POLICY(Scope.BUCKET, "s3:PutBucketPolicy"),
  DELETE_BUCKET_POLICY(Scope.BUCKET, "s3:DeleteBucketPolicy"),
  GET_BUCKET_POLICY_STATUS(Scope.BUCKET, "s3:GetBucketPolicyStatus"),
  GET_BUCKET_ACL(Scope.BUCKET, "s3:GetBucketAcl"),
  PUT_BUCKET_ACL(Scope.BUCKET, "s3:PutBucketAcl"),
  GET_BUCKET_CORS(Scope.BUCKET, "s3:GetBucketCORS"),
  PUT_BUCKET_CORS(Scope.BUCKET, "s3:PutBucketCORS"),
  DELETE_BUCKET_CORS(Scope.BUCKET, "s3:PutBucketCORS"),
  GET_BUCKET_LIFECYCLE(Scope.BUCKET, "s3:GetLifecycleConfiguration"),
  PUT_BUCKET_LIFECYCLE(Scope.BUCKET, "s3:PutLifecycleConfiguration"),
  DELETE_BUCKET_LIFECYCLE(Scope.BUCKET, "s3:PutLifecycleConfiguration"),
  GET_BUCKET_TAGGING(Scope.BUCKET, "s3:GetBucketTagging"),
  PUT_BUCKET_TAGGING(Scope.BUCKET, "s3:PutBucketTagging"),
  DELETE_BUCKET_TAGGING(Scope.BUCKET, "s3:PutBucketTagging"),
  GET_BUCKET_WEBSITE(Scope.BUCKET, "s3:GetBucketWebsite"),
  PUT_BUCKET_WEBSITE(Scope.BUCKET, "s3:PutBucketWebsite"),
  DELETE_BUCKET_WEBSITE(Scope.BUCKET, "s3:DeleteBucketWebsite"),
  GET_BUCKET_LOGGING(Scope.BUCKET, "s3:GetBucketLogging"),
  PUT_BUCKET_LOGGING(Scope.BUCKET, "s3:PutBucketLogging"),
  GET_BUCKET_NOTIFICATION(Scope.BUCKET, "s3:GetBucketNotification"),
  PUT_BUCKET_NOTIFICATION(Scope.BUCKET, "s3:PutBucketNotification"),
  GET_BUCKET_ENCRYPTION(Scope.BUCKET, "s3:GetEncryptionConfiguration"),
  PUT_BUCKET_ENCRYPTION(Scope.BUCKET, "s3:PutEncryptionConfiguration"),
  DELETE_BUCKET_ENCRYPTION(Scope.BUCKET, "s3:PutEncryptionConfiguration"),
  GET_BUCKET_REPLICATION(Scope.BUCKET, "s3:GetReplicationConfiguration"),
  PUT_BUCKET_REPLICATION(Scope.BUCKET, "s3:PutReplicationConfiguration"),
  DELETE_BUCKET_REPLICATION(Scope.BUCKET, "s3:PutReplicationConfiguration"),
  GET_BUCKET_REQUEST_PAYMENT(Scope.BUCKET, "s3:GetBucketRequestPayment"),
  PUT_BUCKET_REQUEST_PAYMENT(Scope.BUCKET, "s3:PutBucketRequestPayment"),
  GET_BUCKET_ACCELERATE(Scope.BUCKET, "s3:GetAccelerateConfiguration"),
  PUT_BUCKET_ACCELERATE(Scope.BUCKET, "s3:PutAccelerateConfiguration"),
  GET_BUCKET_ANALYTICS(Scope.BUCKET, "s3:GetAnalyticsConfiguration"),
  LIST_BUCKET_ANALYTICS(Scope.BUCKET, "s3:GetAnalyticsConfiguration"),
  PUT_BUCKET_ANALYTICS(Scope.BUCKET, "s3:PutAnalyticsConfiguration"),
  DELETE_BUCKET_ANALYTICS(Scope.BUCKET, "s3:PutAnalyticsConfiguration"),
  GET_BUCKET_INVENTORY(Scope.BUCKET, "s3:GetInventoryConfiguration"),
  LIST_BUCKET_INVENTORY(Scope.BUCKET, "s3:GetInventoryConfiguration"),
  PUT_BUCKET_INVENTORY(Scope.BUCKET, "s3:PutInventoryConfiguration"),
  DELETE_BUCKET_INVENTORY(Scope.BUCKET, "s3:PutInventoryConfiguration"),
  GET_BUCKET_METRICS(Scope.BUCKET, "s3:GetMetricsConfiguration"),
  LIST_BUCKET_METRICS(Scope.BUCKET, "s3:GetMetricsConfiguration"),
  PUT_BUCKET_METRICS(Scope.BUCKET, "s3:PutMetricsConfiguration"),
  DELETE_BUCKET_METRICS(Scope.BUCKET, "s3:PutMetricsConfiguration"),
  GET_BUCKET_INTELLIGENT_TIERING(Scope.BUCKET, "s3:GetIntelligentTieringConfiguration"),
  LIST_BUCKET_INTELLIGENT_TIERING(Scope.BUCKET, "s3:GetIntelligentTieringConfiguration"),
  PUT_BUCKET_INTELLIGENT_TIERING(Scope.BUCKET, "s3:PutIntelligentTieringConfiguration"),
  DELETE_BUCKET_INTELLIGENT_TIERING(Scope.BUCKET, "s3:PutIntelligentTieringConfiguration"),
  GET_PUBLIC_ACCESS_BLOCK(Scope.BUCKET, "s3:GetBucketPublicAccessBlock"),
  PUT_PUBLIC_ACCESS_BLOCK(Scope.BUCKET, "s3:PutBucketPublicAccessBlock"),
  DELETE_PUBLIC_ACCESS_BLOCK(Scope.BUCKET, "s3:PutBucketPublicAccessBlock"),
  GET_BUCKET_OWNERSHIP_CONTROLS(Scope.BUCKET, "s3:GetBucketOwnershipControls"),
  PUT_BUCKET_OWNERSHIP_CONTROLS(Scope.BUCKET, "s3:PutBucketOwnershipControls"),
  DELETE_BUCKET_OWNERSHIP_CONTROLS(Scope.BUCKET, "s3:PutBucketOwnershipControls"),
  GET_OBJECT_LOCK_CONFIGURATION(Scope.BUCKET, "s3:GetBucketObjectLockConfiguration"),
  PUT_OBJECT_LOCK_CONFIGURATION(Scope.BUCKET, "s3:PutBucketObjectLockConfiguration"),
  /** POST ?delete: authorized per key, see {@link S3ActionTable#deleteObjectsEntry}. */
  DELETE_OBJECTS(Scope.BUCKET, "s3:DeleteObject", "s3:DeleteObjectVersion"),

  GET_OBJECT(Scope.OBJECT, "s3:GetObject", "s3:GetObjectVersion"),
  HEAD_OBJECT(Scope.OBJECT, "s3:GetObject", "s3:GetObjectVersion"),
  GET_OBJECT_ATTRIBUTES(Scope.OBJECT, "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"),
  SELECT_OBJECT_CONTENT(Scope.OBJECT, "s3:GetObject"),
  GET_OBJECT_TORRENT(Scope.OBJECT, "s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"),
  PUT_OBJECT(Scope.OBJECT, "s3:PutObject"),
  /** Browser-form POST upload; the proxy passes the form's key as the request key. */
  POST_OBJECT(Scope.OBJECT, "s3:PutObject"),
  COPY_OBJECT(Scope.OBJECT, "s3:PutObject"),
  DELETE_OBJECT(Scope.OBJECT, "s3:DeleteObject", "s3:DeleteObjectVersion"),
  RESTORE_OBJECT(Scope.OBJECT, "s3:RestoreObject"),
  GET_OBJECT_TAGGING(Scope.OBJECT, "s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
  PUT_OBJECT_TAGGING(Scope.OBJECT, "s3:PutObjectTagging", "s3:PutObjectVersionTagging"),
  DELETE_OBJECT_TAGGING(Scope.OBJECT, "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"),
  GET_OBJECT_ACL(Scope.OBJECT, "s3:GetObjectAcl", "s3:GetObjectVersionAcl"),
  PUT_OBJECT_ACL(Scope.OBJECT, "s3:PutObjectAcl", "s3:PutObjectVersionAcl"),
  GET_OBJECT_RETENTION(Scope.OBJECT, "s3:GetObjectRetention"),
  PUT_OBJECT_RETENTION(Scope.OBJECT, "s3:PutObjectRetention"),
  GET_OBJECT_LEGAL_HOLD(Scope.OBJECT, "s3:GetObjectLegalHold"),
  PUT_OBJECT_LEGAL_HOLD(Scope.OBJECT, "s3:PutObjectLegalHold"),

  CREATE_MULTIPART_UPLOAD(Scope.OBJECT, "s3:PutObject"),
  UPLOAD_PART(Scope.OBJECT, "s3:PutObject"),
  UPLOAD_PART_COPY(Scope.OBJECT, "s3:PutObject"),
  COMPLETE_MULTIPART_UPLOAD(Scope.OBJECT, "s3:PutObject"),
  ABORT_MULTIPART_UPLOAD(Scope.OBJECT, "s3:AbortMultipartUpload"),
  LIST_PARTS(Scope.OBJECT, "s3:ListMultipartUploadParts"),

  /** Not recognised or not supported: the proxy must deny it. */
  UNKNOWN(Scope.SERVICE, null);

  /** What the operation's resource ARN names. */
  public enum Scope { SERVICE, BUCKET, OBJECT }

  private final Scope scope;
  private final String action;
  private final String versionAction;

  S3Operation(Scope scope, String action) {
    this(scope, action, action);
  }

  S3Operation(Scope scope, String action, String versionAction) {
    this.scope = scope;
    this.action = action;
    this.versionAction = versionAction;
  }

  public Scope scope() {
    return scope;
  }

  /** The IAM action without a versionId (null for UNKNOWN). */
  public String action() {
    return action;
  }

  /** The IAM action when the request carries a versionId (same as {@link #action()} if none). */
  public String versionAction() {
    return versionAction;
  }
}
