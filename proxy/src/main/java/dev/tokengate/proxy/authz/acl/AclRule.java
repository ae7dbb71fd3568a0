package dev.tokengate.proxy.authz.acl;

import dev.tokengate.policy.s3.S3Operation;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which ACL permission, on the bucket's ACL or the object's, allows an IAM action (S3's table of
 * ACL permissions and the operations they allow). Object writes and deletes are the bucket's WRITE;
 * an ACL or tags sent along with a new object are part of writing it.
 *
 * @param onObject the object's ACL decides; else the bucket's
 */
public record AclRule(boolean onObject, AclPermission permission) {
  private static final Map<String, AclRule> RULES = Map.ofEntries(
      Map.entry("s3:ListBucket", bucket(AclPermission.READ)),
      Map.entry("s3:ListBucketVersions", bucket(AclPermission.READ)),
      Map.entry("s3:ListBucketMultipartUploads", bucket(AclPermission.READ)),
      Map.entry("s3:PutObject", bucket(AclPermission.WRITE)),
      Map.entry("s3:DeleteObject", bucket(AclPermission.WRITE)),
      Map.entry("s3:DeleteObjectVersion", bucket(AclPermission.WRITE)),
      Map.entry("s3:AbortMultipartUpload", bucket(AclPermission.WRITE)),
      Map.entry("s3:GetBucketAcl", bucket(AclPermission.READ_ACP)),
      Map.entry("s3:PutBucketAcl", bucket(AclPermission.WRITE_ACP)),
      Map.entry("s3:GetObject", object(AclPermission.READ)),
      Map.entry("s3:GetObjectVersion", object(AclPermission.READ)),
      Map.entry("s3:GetObjectAcl", object(AclPermission.READ_ACP)),
      Map.entry("s3:GetObjectVersionAcl", object(AclPermission.READ_ACP)),
      Map.entry("s3:PutObjectAcl", object(AclPermission.WRITE_ACP)),
      Map.entry("s3:PutObjectVersionAcl", object(AclPermission.WRITE_ACP)));

  /** Operations that create an object: their ACL and tagging extras come with the bucket's WRITE. */
  private static final Set<S3Operation> CREATES_OBJECT = EnumSet.of(
      S3Operation.PUT_OBJECT, S3Operation.POST_OBJECT, S3Operation.COPY_OBJECT, S3Operation.CREATE_MULTIPART_UPLOAD);

  private static AclRule bucket(AclPermission p) {
    return new AclRule(false, p);
  }

  private static AclRule object(AclPermission p) {
    return new AclRule(true, p);
  }

  /** The rule for {@code action} within {@code operation}, or null when no ACL can allow it. */
  public static AclRule of(String action, S3Operation operation) {
    if (CREATES_OBJECT.contains(operation)
        && (action.equals("s3:PutObjectAcl") || action.equals("s3:PutObjectTagging"))) {
      return bucket(AclPermission.WRITE);
    }
    return RULES.get(action);
  }
}
