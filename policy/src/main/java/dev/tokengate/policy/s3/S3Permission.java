package dev.tokengate.policy.s3;

/**
 * One IAM action on one resource ARN that an S3 request needs.
 *
 * @param action e.g. {@code s3:GetObject}
 * @param resource e.g. {@code arn:aws:s3:::bucket/key}, or {@code *} for ListAllMyBuckets
 */
public record S3Permission(String action, String resource) {

  /** The ARN of a bucket. */
  public static String bucketArn(String bucket) {
    return "arn:aws:s3:::" + bucket;
  }

  /** The ARN of an object. */
  public static String objectArn(String bucket, String key) {
    return "arn:aws:s3:::" + bucket + "/" + key;
  }
}
