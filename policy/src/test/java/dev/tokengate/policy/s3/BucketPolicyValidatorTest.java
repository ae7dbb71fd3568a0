package dev.tokengate.policy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.policy.MalformedPolicyException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PutBucketPolicy's checks: the texts are those S3 answers (reported in awsdocs and peer issues:
 * "Policy has invalid resource" for {@code *} or another bucket, noobaa-core#10058, versitygw#648;
 * "Action does not apply to any resource(s) in statement", versitygw#645).
 */
class BucketPolicyValidatorTest {
  private static final BucketPolicyValidator VALIDATOR = new BucketPolicyValidator("123456789012",
      new BucketPolicyValidator.KnownPrincipals() {
        @Override
        public boolean hasUser(String name) {
          return Set.of("alice", "bob").contains(name);
        }

        @Override
        public boolean hasRole(String name) {
          return name.equals("reader");
        }
      });

  private static String policy(String principal, String action, String resource, String condition) {
    return """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": %s, "Action": %s, "Resource": %s%s}]}"""
        .formatted(principal, action, resource, condition == null ? "" : ", \"Condition\": " + condition);
  }

  @ParameterizedTest(name = "accepted: {0} {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "\"*\"|\"s3:GetObject\"|\"arn:aws:s3:::mine/*\"",
      "{\"AWS\": \"*\"}|\"s3:ListBucket\"|\"arn:aws:s3:::mine\"",
      "{\"AWS\": \"arn:aws:iam::123456789012:user/alice\"}|[\"s3:GetObject\", \"s3:ListBucket\"]|[\"arn:aws:s3:::mine\", \"arn:aws:s3:::mine/*\"]",
      "{\"AWS\": \"arn:aws:iam::123456789012:user/team/bob\"}|\"s3:*\"|\"arn:aws:s3:::mine/home/${aws:username}/*\"",
      "{\"AWS\": \"arn:aws:iam::123456789012:role/reader\"}|\"s3:Get*\"|\"arn:aws:s3:::mine\"",
      "{\"AWS\": \"arn:aws:iam::123456789012:root\"}|\"*\"|\"arn:aws:s3:::mine/*\"",
      "{\"AWS\": \"123456789012\"}|\"s3:PutObject\"|\"arn:aws:s3:::mine/*\"",
      "{\"AWS\": \"arn:aws:iam::999999999999:user/anyone\"}|\"s3:GetObject\"|\"arn:aws:s3:::mine/*\"",
      "{\"AWS\": \"arn:aws:sts::123456789012:assumed-role/reader/s1\"}|\"s3:GetObject\"|\"arn:aws:s3:::mine/*\"",
      "{\"Service\": \"logging.s3.amazonaws.com\"}|\"s3:PutObject\"|\"arn:aws:s3:::mine/logs/*\"",
      "\"*\"|\"s3:ReplicateObject\"|\"arn:aws:s3:::mine/*\"",
  })
  void acceptsWhatS3Accepts(String principal, String action, String resource) {
    assertNotNull(VALIDATOR.validate("mine", policy(principal, action, resource, null), "p"));
  }

  @ParameterizedTest(name = "{3}: {0} {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "\"*\"|\"s3:GetObject\"|\"*\"|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|\"arn:aws:s3:::victim/*\"|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|[\"arn:aws:s3:::mine/*\", \"arn:aws:s3:::victim/*\"]|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|\"arn:aws:s3:::mine-other/*\"|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|\"arn:aws:s3:::min*/*\"|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|\"arn:aws:s3:::*\"|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|\"arn:aws:s3:::mine*\"|Policy has invalid resource",
      "\"*\"|\"s3:GetObject\"|\"arn:aws-cn:s3:::mine/*\"|Policy has invalid resource",
      "\"*\"|\"iam:CreateUser\"|\"arn:aws:s3:::mine/*\"|Policy has invalid action",
      "\"*\"|\"s3:GetObjekt\"|\"arn:aws:s3:::mine/*\"|Policy has invalid action",
      "\"*\"|\"s3:Frobnicate*\"|\"arn:aws:s3:::mine/*\"|Policy has invalid action",
      "\"*\"|\"s3:PutObject\"|\"arn:aws:s3:::mine\"|Action does not apply to any resource(s) in statement",
      "\"*\"|\"s3:ListBucket\"|\"arn:aws:s3:::mine/*\"|Action does not apply to any resource(s) in statement",
      "\"*\"|[\"s3:GetObject\", \"s3:ListBucket\"]|\"arn:aws:s3:::mine/*\"|Action does not apply to any resource(s) in statement",
      "\"*\"|\"s3:ListAllMyBuckets\"|\"arn:aws:s3:::mine\"|Action does not apply to any resource(s) in statement",
      "{\"AWS\": \"arn:aws:iam::123456789012:user/mallory\"}|\"s3:GetObject\"|\"arn:aws:s3:::mine/*\"|Invalid principal in policy",
      "{\"AWS\": \"arn:aws:iam::123456789012:role/nosuchrole\"}|\"s3:GetObject\"|\"arn:aws:s3:::mine/*\"|Invalid principal in policy",
      "{\"AWS\": \"alice\"}|\"s3:GetObject\"|\"arn:aws:s3:::mine/*\"|Invalid principal in policy",
  })
  void refusesWhatS3Refuses(String principal, String action, String resource, String message) {
    MalformedPolicyException e = assertThrows(MalformedPolicyException.class,
        () -> VALIDATOR.validate("mine", policy(principal, action, resource, null), "p"));
    assertEquals(message, e.getMessage().replaceAll(":.*", ""), e.getMessage());
  }

  @ParameterizedTest(name = "key {0}")
  @ValueSource(strings = {"aws:SourceIp", "AWS:SOURCEIP", "aws:PrincipalArn", "aws:PrincipalTag/team", "aws:userid",
      "aws:ViaAWSService", "s3:prefix", "s3:x-amz-acl", "s3:ExistingObjectTag/x", "s3:signatureAge",
      "s3:RequestObjectTag/k", "aws:SourceIdentity", "aws:TokenIssueTime"})
  void acceptsKnownConditionKeys(String key) {
    assertNotNull(VALIDATOR.validate("mine",
        policy("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::mine/*\"", "{\"StringLike\": {\"" + key + "\": \"x\"}}"), "p"));
  }

  @ParameterizedTest(name = "key {0}")
  @ValueSource(strings = {"aws:NoSuchKey", "s3:nosuchkey", "sts:ExternalId", "iam:PassedToService", "aws:PrincipalTag/",
      "ec2:Region"})
  void refusesUnknownConditionKeys(String key) {
    MalformedPolicyException e = assertThrows(MalformedPolicyException.class, () -> VALIDATOR.validate("mine",
        policy("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::mine/*\"", "{\"StringLike\": {\"" + key + "\": \"x\"}}"), "p"));
    assertEquals("Policy has an invalid condition key", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"NotAction\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::mine/*\"}]}",
      "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"NotResource\": \"arn:aws:s3:::mine/public/*\"}]}",
      "{\"Statement\": [{\"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::123456789012:user/alice\"}, \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::mine\", \"arn:aws:s3:::mine/*\"]}]}",
  })
  void notElementsNeedNoPairing(String text) {
    assertNotNull(VALIDATOR.validate("mine", text, "p"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"NotResource\": \"arn:aws:s3:::victim/*\"}]}",
      "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"NotAction\": \"s3:GetObject\", \"Resource\": \"*\"}]}",
  })
  void notResourceMustStayInTheBucketToo(String text) {
    MalformedPolicyException e = assertThrows(MalformedPolicyException.class, () -> VALIDATOR.validate("mine", text, "p"));
    assertEquals("Policy has invalid resource", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"not json", "{\"Statement\": []}", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::mine/*\"}]}"})
  void grammarErrorsComeFromTheParser(String text) {
    assertThrows(MalformedPolicyException.class, () -> VALIDATOR.validate("mine", text, "p"));
  }
}
