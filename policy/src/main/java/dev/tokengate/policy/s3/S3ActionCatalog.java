package dev.tokengate.policy.s3;

import dev.tokengate.policy.WildcardPattern;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The S3 IAM actions and the resource each applies to (bucket, object, or the account for actions
 * like {@code s3:ListAllMyBuckets}): the actions of every operation the proxy classifies, plus the
 * ones AWS's "Actions, resources, and condition keys for Amazon S3" lists that only other AWS
 * features use (replication, access points …) so that bucket policies written for AWS still pass
 * validation.
 */
public final class S3ActionCatalog {
  /** What an action's Resource must name. */
  public enum Target { ACCOUNT, BUCKET, OBJECT }

  private static final Map<String, Target> ACTIONS = new LinkedHashMap<>();

  static {
    for (S3Operation op : S3Operation.values()) {
      if (op.action() == null) {
        continue;
      }
      // DeleteObjects is bucket-scoped as a request, but its actions are per object.
      Target t = op == S3Operation.DELETE_OBJECTS ? Target.OBJECT : switch (op.scope()) {
        case SERVICE -> Target.ACCOUNT;
        case BUCKET -> Target.BUCKET;
        case OBJECT -> Target.OBJECT;
      };
      add(t, op.action(), op.versionAction());
    }
    add(Target.OBJECT, "s3:BypassGovernanceRetention", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
        "s3:GetObjectVersionForReplication", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
        "s3:ObjectOwnerOverrideToBucketOwner", "s3:InitiateReplication", "s3:PutObjectVersionAcl",
        "s3:GetObjectVersionAcl", "s3:PutObjectVersionTagging", "s3:GetObjectVersionTagging",
        "s3:GetObjectVersionAttributes", "s3:GetObjectVersionTorrent");
    add(Target.BUCKET, "s3:DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls",
        "s3:GetBucketOwnershipControls", "s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration",
        "s3:DeleteBucketPolicy", "s3:ListBucketByTags");
    add(Target.ACCOUNT, "s3:ListAllMyBuckets", "s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock",
        "s3:CreateJob", "s3:ListJobs", "s3:ListAccessPoints", "s3:GetAccessPoint");
  }

  private S3ActionCatalog() {}

  private static void add(Target target, String... actions) {
    for (String a : actions) {
      ACTIONS.putIfAbsent(a.toLowerCase(Locale.ROOT), target);
    }
  }

  /**
   * The resource kinds the Action element value {@code action} can apply to; empty when it names
   * no S3 action ({@code *} and {@code s3:*} apply to all three).
   */
  public static Set<Target> targetsOf(String action) {
    Set<Target> out = EnumSet.noneOf(Target.class);
    String lower = action.toLowerCase(Locale.ROOT);
    if (lower.equals("*") || lower.equals("s3:*")) {
      return EnumSet.allOf(Target.class);
    }
    if (!lower.startsWith("s3:")) {
      return out;
    }
    if (lower.indexOf('*') < 0 && lower.indexOf('?') < 0) {
      Target t = ACTIONS.get(lower);
      if (t != null) {
        out.add(t);
      }
      return out;
    }
    WildcardPattern pattern = WildcardPattern.compile(action, true);
    ACTIONS.forEach((name, target) -> {
      if (pattern.matches(name)) {
        out.add(target);
      }
    });
    return out;
  }
}
