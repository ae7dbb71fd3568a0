package dev.tokengate.benchmarks.policy;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.RequestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures one policy decision: a realistic 20-statement identity policy with conditions
 * (StringLike on {@code s3:prefix}, IpAddress, DateLessThan, Bool {@code aws:SecureTransport}, a
 * {@code ${aws:username}} variable) for a request that ends allowed and one that ends denied,
 * against a baseline single-statement policy without conditions. Target: at most 1 µs per decision.
 *
 * <p>Run (from the repository root; short settings for a shared machine):
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar PolicyEvaluationBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyEvaluationBenchmark {
  private static final String ACCOUNT = "123456789012";

  private static final String REALISTIC = """
      {"Version": "2012-10-17", "Statement": [
        {"Sid": "ListAll", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "*"},
        {"Sid": "ListHome", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data",
         "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]},
                       "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"]},
                       "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                       "Bool": {"aws:SecureTransport": "true"}}},
        {"Sid": "HomeRW", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": "arn:aws:s3:::data/home/${aws:username}/*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Sid": "SharedRead", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
         "Resource": ["arn:aws:s3:::data/shared/*", "arn:aws:s3:::public/*"]},
        {"Sid": "Logs", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/${aws:username}/*",
         "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}},
        {"Sid": "Tagging", "Effect": "Allow", "Action": ["s3:GetObjectTagging", "s3:PutObjectTagging"],
         "Resource": "arn:aws:s3:::data/home/${aws:username}/*"},
        {"Sid": "Multipart", "Effect": "Allow", "Action": ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
         "Resource": "arn:aws:s3:::data/home/${aws:username}/*"},
        {"Sid": "Uploads", "Effect": "Allow", "Action": "s3:ListBucketMultipartUploads", "Resource": "arn:aws:s3:::data"},
        {"Sid": "Versions", "Effect": "Allow", "Action": "s3:ListBucketVersions", "Resource": "arn:aws:s3:::data",
         "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}},
        {"Sid": "ArchiveRead", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::archive/*",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
        {"Sid": "ArchiveList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::archive"},
        {"Sid": "Reports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}},
        {"Sid": "TeamBucket", "Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::team-*", "arn:aws:s3:::team-*/*"],
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "platform"}}},
        {"Sid": "NoBucketAdmin", "Effect": "Deny",
         "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl"], "Resource": "*"},
        {"Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyOutsideNetwork", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"]}}},
        {"Sid": "DenyExpired", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
        {"Sid": "DenyUnencryptedPut", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::secure/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
        {"Sid": "DenyPublicAcl", "Effect": "Deny", "Action": ["s3:PutObjectAcl", "s3:PutObject"], "Resource": "*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": ["public-read", "public-read-write", "authenticated-read"]}}},
        {"Sid": "DenyOtherHomes", "Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data",
         "Condition": {"StringLike": {"s3:prefix": "home/*"}, "StringNotLike": {"s3:prefix": ["home/${aws:username}/*"]}}}
      ]}""";

  private static final String BASELINE = """
      {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data"}]}""";

  private PolicySet realistic;
  private PolicySet baseline;
  private RequestContext allowedRequest;
  private RequestContext deniedRequest;
  private RequestContext baselineRequest;
  private Principal alice;

  @Setup
  public void setUp() {
    Policy policy = PolicyParser.parse(REALISTIC, PolicyType.IDENTITY, "realistic");
    if (policy.statements().size() != 20) {
      throw new IllegalStateException("the realistic policy must have 20 statements");
    }
    realistic = PolicySet.ofIdentity(List.of(policy));
    baseline = PolicySet.ofIdentity(List.of(PolicyParser.parse(BASELINE, PolicyType.IDENTITY, "baseline")));
    alice = Principal.user(ACCOUNT, "alice", "AIDAALICE");
    allowedRequest = listRequest("home/alice/docs/");
    deniedRequest = listRequest("home/bob/");
    baselineRequest = RequestContext.of(alice, "s3:ListBucket", "arn:aws:s3:::data");
    check(PolicyEvaluator.evaluate(realistic, allowedRequest), Decision.Outcome.ALLOW);
    check(PolicyEvaluator.evaluate(realistic, deniedRequest), Decision.Outcome.EXPLICIT_DENY);
    check(PolicyEvaluator.evaluate(baseline, baselineRequest), Decision.Outcome.ALLOW);
  }

  private RequestContext listRequest(String prefix) {
    return RequestContext.of(alice, "s3:ListBucket", "arn:aws:s3:::data")
        .put("s3:prefix", prefix)
        .put("aws:SourceIp", "10.1.2.3")
        .put("aws:CurrentTime", "2026-11-23T01:00:00Z")
        .put("aws:SecureTransport", "true");
  }

  private static void check(Decision decision, Decision.Outcome expected) {
    if (decision.outcome() != expected) {
      throw new IllegalStateException("benchmark request decided " + decision.summary() + ", expected " + expected);
    }
  }

  /** 20 statements, conditions on the matching ones, ends ALLOW. */
  @Benchmark
  public Decision realisticAllowed() {
    return PolicyEvaluator.evaluate(realistic, allowedRequest);
  }

  /** 20 statements, ends EXPLICIT_DENY (listing another user's home). */
  @Benchmark
  public Decision realisticDenied() {
    return PolicyEvaluator.evaluate(realistic, deniedRequest);
  }

  /** The allowed case including building the request context, as the proxy does per request. */
  @Benchmark
  public Decision realisticAllowedWithContext() {
    return PolicyEvaluator.evaluate(realistic, listRequest("home/alice/docs/"));
  }

  /** One statement, no conditions: the floor the ratio is computed against. */
  @Benchmark
  public Decision baseline() {
    return PolicyEvaluator.evaluate(baseline, baselineRequest);
  }
}
