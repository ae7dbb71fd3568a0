package dev.tokengate.policy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.ManagedPolicies;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.RequestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3ActionTableTest {
  private static final Principal ALICE = Principal.user("123456789012", "alice", "AIDAALICE");

  private static Map<String, String> query(String q) {
    Map<String, String> m = new HashMap<>();
    if (q != null && !q.isEmpty()) {
      for (String p : q.split("&")) {
        int eq = p.indexOf('=');
        m.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
      }
    }
    return m;
  }

  private static String describe(S3Authorization a) {
    return a.permissions().stream().map(p -> p.action() + " " + p.resource()).collect(Collectors.joining(" + "));
  }

  @ParameterizedTest(name = "{0} {1} {2} ?{3} -> {4}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "GET|-|-|-|s3:ListAllMyBuckets arn:aws:s3:::*",
      "PUT|b|-|-|s3:CreateBucket arn:aws:s3:::b",
      "DELETE|b|-|-|s3:DeleteBucket arn:aws:s3:::b",
      "HEAD|b|-|-|s3:ListBucket arn:aws:s3:::b",
      "GET|b|-|-|s3:ListBucket arn:aws:s3:::b",
      "GET|b|-|list-type=2&prefix=a/|s3:ListBucket arn:aws:s3:::b",
      "GET|b|-|versions|s3:ListBucketVersions arn:aws:s3:::b",
      "GET|b|-|uploads|s3:ListBucketMultipartUploads arn:aws:s3:::b",
      "GET|b|-|location|s3:GetBucketLocation arn:aws:s3:::b",
      "PUT|b|-|versioning|s3:PutBucketVersioning arn:aws:s3:::b",
      "GET|b|-|policy|s3:GetBucketPolicy arn:aws:s3:::b",
      "DELETE|b|-|policy|s3:DeleteBucketPolicy arn:aws:s3:::b",
      "GET|b|-|policyStatus|s3:GetBucketPolicyStatus arn:aws:s3:::b",
      "PUT|b|-|acl|s3:PutBucketAcl arn:aws:s3:::b",
      "DELETE|b|-|cors|s3:PutBucketCORS arn:aws:s3:::b",
      "DELETE|b|-|lifecycle|s3:PutLifecycleConfiguration arn:aws:s3:::b",
      "GET|b|-|tagging|s3:GetBucketTagging arn:aws:s3:::b",
      "DELETE|b|-|website|s3:DeleteBucketWebsite arn:aws:s3:::b",
      "PUT|b|-|logging|s3:PutBucketLogging arn:aws:s3:::b",
      "GET|b|-|notification|s3:GetBucketNotification arn:aws:s3:::b",
      "DELETE|b|-|encryption|s3:PutEncryptionConfiguration arn:aws:s3:::b",
      "DELETE|b|-|replication|s3:PutReplicationConfiguration arn:aws:s3:::b",
      "PUT|b|-|requestPayment|s3:PutBucketRequestPayment arn:aws:s3:::b",
      "GET|b|-|accelerate|s3:GetAccelerateConfiguration arn:aws:s3:::b",
      "GET|b|-|analytics|s3:GetAnalyticsConfiguration arn:aws:s3:::b",
      "DELETE|b|-|analytics&id=x|s3:PutAnalyticsConfiguration arn:aws:s3:::b",
      "PUT|b|-|inventory&id=x|s3:PutInventoryConfiguration arn:aws:s3:::b",
      "GET|b|-|metrics&id=x|s3:GetMetricsConfiguration arn:aws:s3:::b",
      "DELETE|b|-|intelligent-tiering&id=x|s3:PutIntelligentTieringConfiguration arn:aws:s3:::b",
      "DELETE|b|-|publicAccessBlock|s3:PutBucketPublicAccessBlock arn:aws:s3:::b",
      "GET|b|-|ownershipControls|s3:GetBucketOwnershipControls arn:aws:s3:::b",
      "PUT|b|-|object-lock|s3:PutBucketObjectLockConfiguration arn:aws:s3:::b",
      "GET|b|k|-|s3:GetObject arn:aws:s3:::b/k",
      "GET|b|k|versionId=v1|s3:GetObjectVersion arn:aws:s3:::b/k",
      "HEAD|b|k|-|s3:GetObject arn:aws:s3:::b/k",
      "HEAD|b|k|versionId=v1|s3:GetObjectVersion arn:aws:s3:::b/k",
      "GET|b|k|attributes|s3:GetObjectAttributes arn:aws:s3:::b/k",
      "POST|b|k|select&select-type=2|s3:GetObject arn:aws:s3:::b/k",
      "GET|b|k|torrent|s3:GetObjectTorrent arn:aws:s3:::b/k",
      "PUT|b|dir/k|-|s3:PutObject arn:aws:s3:::b/dir/k",
      "DELETE|b|k|-|s3:DeleteObject arn:aws:s3:::b/k",
      "DELETE|b|k|versionId=v1|s3:DeleteObjectVersion arn:aws:s3:::b/k",
      "POST|b|k|restore|s3:RestoreObject arn:aws:s3:::b/k",
      "GET|b|k|tagging&versionId=v1|s3:GetObjectVersionTagging arn:aws:s3:::b/k",
      "PUT|b|k|tagging|s3:PutObjectTagging arn:aws:s3:::b/k",
      "DELETE|b|k|tagging&versionId=v1|s3:DeleteObjectVersionTagging arn:aws:s3:::b/k",
      "GET|b|k|acl|s3:GetObjectAcl arn:aws:s3:::b/k",
      "PUT|b|k|acl&versionId=v1|s3:PutObjectVersionAcl arn:aws:s3:::b/k",
      "GET|b|k|retention|s3:GetObjectRetention arn:aws:s3:::b/k",
      "PUT|b|k|legal-hold|s3:PutObjectLegalHold arn:aws:s3:::b/k",
      "POST|b|k|uploads|s3:PutObject arn:aws:s3:::b/k",
      "PUT|b|k|partNumber=1&uploadId=u|s3:PutObject arn:aws:s3:::b/k",
      "POST|b|k|uploadId=u|s3:PutObject arn:aws:s3:::b/k",
      "DELETE|b|k|uploadId=u|s3:AbortMultipartUpload arn:aws:s3:::b/k",
      "GET|b|k|uploadId=u|s3:ListMultipartUploadParts arn:aws:s3:::b/k",
  })
  void mapsOperation(String method, String bucket, String key, String q, String expected) {
    S3Authorization a = S3ActionTable.resolve(new S3Request(method, bucket, key, query(q), Map.of()));
    assertEquals(expected, describe(a), a.operation().name());
  }

  @ParameterizedTest(name = "{0} {1} {2} ?{3} is UNKNOWN")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "PUT|-|-|-", "POST|b|-|-", "PATCH|b|k|-", "GET|b|-|torrent", "PUT|b|-|location", "GET|b|k|versioning",
      "POST|b|k|-", "DELETE|b|-|acl"})
  void unknownCombinationsAreUnknown(String method, String bucket, String key, String q) {
    S3Authorization a = S3ActionTable.resolve(new S3Request(method, bucket, key, query(q), Map.of()));
    assertTrue(a.unknown());
    assertTrue(a.permissions().isEmpty());
  }

  @Test
  void copyObjectNeedsSourceReadAndDestinationWrite() {
    S3Authorization a = S3ActionTable.resolve(new S3Request("PUT", "dst", "new key", Map.of(),
        Map.of("X-Amz-Copy-Source", "/src/dir%2Fold%20key.txt?versionId=abc")));
    assertEquals(S3Operation.COPY_OBJECT, a.operation());
    assertEquals("s3:GetObjectVersion arn:aws:s3:::src/dir/old key.txt + s3:PutObject arn:aws:s3:::dst/new key",
        describe(a));
  }

  @Test
  void uploadPartCopyNeedsSourceReadAndDestinationWrite() {
    S3Authorization a = S3ActionTable.resolve(new S3Request("PUT", "dst", "k", Map.of("partNumber", "2", "uploadId", "u"),
        Map.of("x-amz-copy-source", "src/a+b")));
    assertEquals(S3Operation.UPLOAD_PART_COPY, a.operation());
    assertEquals("s3:GetObject arn:aws:s3:::src/a+b + s3:PutObject arn:aws:s3:::dst/k", describe(a));
  }

  @Test
  void putObjectWithTaggingAclAndLockHeadersNeedsExtraActions() {
    S3Authorization a = S3ActionTable.resolve(new S3Request("PUT", "b", "k", Map.of(), Map.of(
        "x-amz-tagging", "a=1", "x-amz-grant-read", "id=x", "x-amz-object-lock-mode", "GOVERNANCE",
        "x-amz-object-lock-legal-hold", "ON")));
    assertEquals("s3:PutObject arn:aws:s3:::b/k + s3:PutObjectTagging arn:aws:s3:::b/k"
        + " + s3:PutObjectAcl arn:aws:s3:::b/k + s3:PutObjectRetention arn:aws:s3:::b/k"
        + " + s3:PutObjectLegalHold arn:aws:s3:::b/k", describe(a));
  }

  @Test
  void createBucketWithOptionsNeedsExtraActions() {
    S3Authorization a = S3ActionTable.resolve(new S3Request("PUT", "b", null, Map.of(), Map.of(
        "x-amz-acl", "private", "x-amz-bucket-object-lock-enabled", "true", "x-amz-object-ownership",
        "BucketOwnerEnforced")));
    assertEquals("s3:CreateBucket arn:aws:s3:::b + s3:PutBucketAcl arn:aws:s3:::b"
        + " + s3:PutBucketObjectLockConfiguration arn:aws:s3:::b + s3:PutBucketVersioning arn:aws:s3:::b"
        + " + s3:PutBucketOwnershipControls arn:aws:s3:::b", describe(a));
  }

  @Test
  void deleteWithGovernanceBypassNeedsBypassAction() {
    S3Authorization a = S3ActionTable.resolve(new S3Request("DELETE", "b", "k", Map.of("versionId", "v"),
        Map.of("x-amz-bypass-governance-retention", "true")));
    assertEquals("s3:DeleteObjectVersion arn:aws:s3:::b/k + s3:BypassGovernanceRetention arn:aws:s3:::b/k",
        describe(a));
  }

  @Test
  void deleteObjectsIsEvaluatedPerKey() {
    S3Authorization a = S3ActionTable.resolve(S3Request.of("POST", "b", null, Map.of("delete", "")));
    assertEquals(S3Operation.DELETE_OBJECTS, a.operation());
    assertTrue(a.evaluatedPerKey());
    assertTrue(a.permissions().isEmpty());
    assertEquals(new S3Permission("s3:DeleteObject", "arn:aws:s3:::b/x"), S3ActionTable.deleteObjectsEntry("b", "x", null));
    assertEquals(new S3Permission("s3:DeleteObjectVersion", "arn:aws:s3:::b/x"),
        S3ActionTable.deleteObjectsEntry("b", "x", "v1"));
  }

  @Test
  void postObjectFormUploadWithKey() {
    S3Authorization a = S3ActionTable.resolve(new S3Request("POST", "b", "up/k", Map.of(),
        Map.of("Content-Type", "multipart/form-data; boundary=x")));
    assertEquals(S3Operation.POST_OBJECT, a.operation());
    assertEquals("s3:PutObject arn:aws:s3:::b/up/k", describe(a));
  }

  @Test
  void awsS3LsAndListObjectsAllowedUnderReadOnlyButWritesDenied() {
    PolicySet set = PolicySet.ofIdentity(List.of(ManagedPolicies.lookup(ManagedPolicies.S3_READ_ONLY).orElseThrow()));
    assertTrue(allowed(set, S3Request.of("GET", null, null, Map.of())));
    assertTrue(allowed(set, S3Request.of("GET", "b", null, Map.of("list-type", "2", "prefix", "", "delimiter", "/"))));
    assertTrue(allowed(set, S3Request.of("HEAD", "b", null, Map.of())));
    assertTrue(allowed(set, S3Request.of("GET", "b", "k", Map.of())));
    assertFalse(allowed(set, S3Request.of("PUT", "b", "k", Map.of())));
    assertFalse(allowed(set, S3Request.of("DELETE", "b", "k", Map.of())));
    assertFalse(allowed(set, S3Request.of("PUT", "nb", null, Map.of())));
    Decision d = decide(set, S3Request.of("PUT", "b", "k", Map.of())).get(0);
    assertEquals("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:PutObject on resource: "
        + "\"arn:aws:s3:::b/k\" because no identity-based policy allows the s3:PutObject action", d.accessDeniedMessage());
  }

  @Test
  void homeDirectoryPolicyWithPrefixCondition() {
    String json = """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
           "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}},
          {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
           "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}]}""";
    PolicySet set = PolicySet.ofIdentity(List.of(PolicyParser.parse(json, PolicyType.IDENTITY, "home")));
    assertTrue(allowed(set, S3Request.of("GET", "b", null, Map.of("list-type", "2", "prefix", "home/alice/"))));
    assertFalse(allowed(set, S3Request.of("GET", "b", null, Map.of("list-type", "2", "prefix", "home/bob/"))));
    assertFalse(allowed(set, S3Request.of("GET", "b", null, Map.of("list-type", "2"))));
    assertTrue(allowed(set, S3Request.of("PUT", "b", "home/alice/a.txt", Map.of())));
    assertTrue(allowed(set, S3Request.of("GET", "b", "home/alice/a.txt", Map.of())));
    assertFalse(allowed(set, S3Request.of("PUT", "b", "home/bob/a.txt", Map.of())));
    assertFalse(allowed(set, S3Request.of("GET", "b", "top.txt", Map.of())));
  }

  private static boolean allowed(PolicySet set, S3Request request) {
    List<Decision> decisions = decide(set, request);
    return !decisions.isEmpty() && decisions.stream().allMatch(Decision::allowed);
  }

  // What the proxy does: every required permission must be allowed, with the request's S3 keys.
  private static List<Decision> decide(PolicySet set, S3Request request) {
    S3Authorization a = S3ActionTable.resolve(request);
    Map<String, List<String>> keys = S3ConditionKeys.derive(request);
    return a.permissions().stream()
        .map(p -> PolicyEvaluator.evaluate(set, RequestContext.of(ALICE, p.action(), p.resource()).putAll(keys)))
        .toList();
  }
}
