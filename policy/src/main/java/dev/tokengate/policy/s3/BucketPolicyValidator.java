package dev.tokengate.policy.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyDialect;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a bucket policy the way S3's PutBucketPolicy does before it is stored, failing with the
 * MalformedPolicy texts S3 answers:
 *
 * <ul>
 *   <li>every Resource/NotResource names the bucket itself or objects in it ({@code
 *       arn:aws:s3:::BUCKET} or {@code arn:aws:s3:::BUCKET/…}), else "Policy has invalid resource";
 *       {@code *}, other buckets and wildcards in the bucket name are refused, since a bucket's
 *       policy must not speak for other buckets;
 *   <li>every Action/NotAction names S3 actions ({@code *}, {@code s3:*}, or a name or glob that
 *       matches a known S3 action), else "Policy has invalid action";
 *   <li>each action of a statement applies to one of its resources (object actions to object
 *       ARNs, bucket actions to the bucket ARN), else "Action does not apply to any resource(s) in
 *       statement";
 *   <li>IAM users and roles of this account named as principals exist, else "Invalid principal in
 *       policy" (other accounts cannot be checked here and are accepted);
 *   <li>condition keys are global {@code aws:} keys or S3 keys, else "Policy has an invalid
 *       condition key".
 * </ul>
 *
 * <p>The grammar (elements, operators, principal shapes) is checked first by {@link PolicyParser}.
 * Pure: no I/O; the identities it may consult come in as {@link KnownPrincipals}.
 */
public final class BucketPolicyValidator {
  /** Whether this account has the IAM user or role named (path ignored, as in principal matching). */
  public interface KnownPrincipals {
    boolean hasUser(String name);

    boolean hasRole(String name);
  }

  public static final String INVALID_RESOURCE = "Policy has invalid resource";
  public static final String INVALID_ACTION = "Policy has invalid action";
  public static final String RESOURCE_MISMATCH = "Action does not apply to any resource(s) in statement";
  public static final String INVALID_PRINCIPAL = "Invalid principal in policy";
  public static final String INVALID_CONDITION_KEY = "Policy has an invalid condition key";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OWN_IAM = Pattern.compile("arn:aws:iam::(\\d{12}|):(user|role)/(?:.*/)?([^/]+)");

  private static final Set<String> GLOBAL_KEYS = lower(
      "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
      "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
      "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
      "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:Referer",
      "aws:RequestedRegion", "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths",
      "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp",
      "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce",
      "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid", "aws:username", "aws:ViaAWSService",
      "aws:VpcSourceIp", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:Ec2InstanceSourceVpc",
      "aws:Ec2InstanceSourcePrivateIPv4", "aws:ChatbotSourceArn", "aws:AssumedRoot");
  private static final Set<String> S3_KEYS = lower(
      "s3:prefix", "s3:delimiter", "s3:max-keys", "s3:VersionId", "s3:x-amz-acl", "s3:x-amz-grant-full-control",
      "s3:x-amz-grant-read", "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write", "s3:x-amz-grant-write-acp",
      "s3:x-amz-copy-source", "s3:x-amz-metadata-directive", "s3:x-amz-server-side-encryption",
      "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:x-amz-server-side-encryption-customer-algorithm",
      "s3:x-amz-storage-class", "s3:x-amz-website-redirect-location", "s3:x-amz-content-sha256",
      "s3:x-amz-object-ownership", "s3:LocationConstraint", "s3:object-lock-mode",
      "s3:object-lock-retain-until-date", "s3:object-lock-remaining-retention-days", "s3:object-lock-legal-hold",
      "s3:signatureversion", "s3:signatureAge", "s3:authType", "s3:RequestObjectTagKeys", "s3:DataAccessPointArn",
      "s3:DataAccessPointAccount", "s3:AccessPointNetworkOrigin", "s3:ResourceAccount", "s3:TlsVersion",
      "s3:if-match", "s3:if-none-match", "s3:ObjectCreationOperation", "s3:AccessGrantsInstanceArn");
  /** Key families with a caller-chosen suffix, e.g. {@code aws:PrincipalTag/team}. */
  private static final List<String> KEY_FAMILIES = List.of(
      "aws:principaltag/", "aws:requesttag/", "aws:resourcetag/", "s3:existingobjecttag/", "s3:requestobjecttag/",
      "s3:buckettag/");

  private final String accountId;
  private final KnownPrincipals principals;

  public BucketPolicyValidator(String accountId, KnownPrincipals principals) {
    this.accountId = accountId;
    this.principals = principals;
  }

  /** The grammar of this account's policies. */
  public PolicyDialect dialect() {
    return PolicyDialect.of(accountId);
  }

  /**
   * Parses and validates {@code text} as the policy of {@code bucket}.
   *
   * @return the compiled policy, named {@code name} in decisions
   * @throws MalformedPolicyException with S3's message when PutBucketPolicy would refuse it
   */
  public Policy validate(String bucket, String text, String name) {
    Policy policy = PolicyParser.parse(text, PolicyType.RESOURCE, name, dialect());
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedPolicyException("Syntax errors in policy.", e); // the parser accepted it: unreachable
    }
    JsonNode statements = root.get("Statement");
    for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
      statement(bucket, s);
    }
    return policy;
  }

  private void statement(String bucket, JsonNode s) {
    boolean notResource = s.has("NotResource");
    List<String> resources = strings(s.get(notResource ? "NotResource" : "Resource"));
    Set<S3ActionCatalog.Target> resourceKinds = EnumSet.noneOf(S3ActionCatalog.Target.class);
    for (String r : resources) {
      resourceKinds.add(resourceKind(bucket, r));
    }
    boolean notAction = s.has("NotAction");
    List<String> actions = strings(s.get(notAction ? "NotAction" : "Action"));
    for (String a : actions) {
      Set<S3ActionCatalog.Target> targets = S3ActionCatalog.targetsOf(a);
      if (targets.isEmpty()) {
        throw new MalformedPolicyException(INVALID_ACTION);
      }
      // NotAction/NotResource name what a statement does not cover: there is no pairing to check.
      if (!notAction && !notResource && targets.stream().noneMatch(resourceKinds::contains)) {
        throw new MalformedPolicyException(RESOURCE_MISMATCH);
      }
    }
    JsonNode principal = s.has("Principal") ? s.get("Principal") : s.get("NotPrincipal");
    if (principal != null && principal.isObject() && principal.has("AWS")) {
      for (String p : strings(principal.get("AWS"))) {
        checkPrincipal(p);
      }
    }
    JsonNode condition = s.get("Condition");
    if (condition != null) {
      for (Map.Entry<String, JsonNode> op : condition.properties()) {
        for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
          if (!knownConditionKey(key.getKey())) {
            throw new MalformedPolicyException(INVALID_CONDITION_KEY);
          }
        }
      }
    }
  }

  /** BUCKET for the bucket's own ARN, OBJECT for {@code BUCKET/…}; anything else is refused. */
  private static S3ActionCatalog.Target resourceKind(String bucket, String resource) {
    String prefix = "arn:aws:s3:::" + bucket;
    if (resource.equals(prefix)) {
      return S3ActionCatalog.Target.BUCKET;
    }
    if (resource.startsWith(prefix + "/")) {
      return S3ActionCatalog.Target.OBJECT;
    }
    throw new MalformedPolicyException(INVALID_RESOURCE);
  }

  private void checkPrincipal(String p) {
    Matcher m = OWN_IAM.matcher(p);
    if (!m.matches() || !m.group(1).equals(accountId)) {
      return;
    }
    boolean known = m.group(2).equals("user") ? principals.hasUser(m.group(3)) : principals.hasRole(m.group(3));
    if (!known) {
      throw new MalformedPolicyException(INVALID_PRINCIPAL);
    }
  }

  /** Whether a condition key is one S3 evaluates (names compare case-insensitively). */
  public static boolean knownConditionKey(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (GLOBAL_KEYS.contains(lower) || S3_KEYS.contains(lower)) {
      return true;
    }
    for (String family : KEY_FAMILIES) {
      if (lower.startsWith(family) && lower.length() > family.length()) {
        return true;
      }
    }
    return false;
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.add(node.asText());
    }
    return out;
  }

  private static Set<String> lower(String... keys) {
    Set<String> out = new java.util.HashSet<>();
    for (String k : keys) {
      out.add(k.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(out);
  }
}
