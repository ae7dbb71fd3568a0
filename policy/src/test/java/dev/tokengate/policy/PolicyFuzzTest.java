package dev.tokengate.policy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzzes the policy JSON parser and the evaluator. Contract: a document parses or is refused with
 * {@link MalformedPolicyException} (never another exception); a parsed policy evaluates, for any
 * request context, to a decision without throwing.
 */
class PolicyFuzzTest {

  private static final String[] KEYS = {"aws:SourceIp", "aws:CurrentTime", "aws:EpochTime",
      "aws:SecureTransport", "aws:username", "aws:PrincipalTag/team", "s3:prefix", "s3:max-keys",
      "aws:userid", "s3:x-amz-acl", "aws:MultiFactorAuthAge", "aws:TokenIssueTime"};

  private static final Policy ALLOW_ALL = PolicyParser.parse(
      "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
      PolicyType.IDENTITY, "allow-all");

  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"Version", "2012-10-17", "2008-10-17", "Statement", "Effect", "Allow", "Deny",
      "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition", "Sid",
      "StringLike", "StringEquals", "IpAddress", "DateGreaterThan", "NumericLessThan", "Bool", "Null",
      "ForAnyValue:", "ForAllValues:", "IfExists", "ArnLike", "AWS", "s3:*", "arn:aws:s3:::",
      "arn:aws:iam::123456789012:", "${aws:username}", "${*}", "10.0.0.0/8", "::1/128", "2026-01-01T00:00:00Z",
      "\\x22", "{", "}", "[", "]", ":", ","})
  void parseAndEvaluate(FuzzedDataProvider data) {
    PolicyType type = data.pickValue(PolicyType.values());
    String action = data.consumeString(40);
    String resource = data.consumeString(80);
    RequestContext context = RequestContext.of(
        data.consumeBoolean() ? Principal.user("123456789012", "alice", "AIDAALICE")
            : Principal.assumedRole("123456789012", "reader", data.consumeString(20), "AROAREADER"),
        action, resource);
    int n = data.consumeInt(0, 4);
    for (int i = 0; i < n; i++) {
      context.put(data.pickValue(KEYS), data.consumeString(40));
    }
    Policy policy;
    try {
      policy = PolicyParser.parse(data.consumeRemainingAsString(), type, "fuzzed");
    } catch (MalformedPolicyException expected) {
      return;
    }
    PolicySet set = switch (type) {
      case IDENTITY -> PolicySet.ofIdentity(List.of(policy));
      case RESOURCE -> PolicySet.ofIdentity(List.of()).withResource(policy);
      case SESSION -> PolicySet.ofIdentity(List.of(ALLOW_ALL)).withSession(policy);
      case BOUNDARY -> PolicySet.ofIdentity(List.of(ALLOW_ALL)).withBoundary(policy);
    };
    Decision decision = PolicyEvaluator.evaluate(set, context, true);
    if (decision == null) {
      throw new AssertionError("no decision");
    }
  }
}
