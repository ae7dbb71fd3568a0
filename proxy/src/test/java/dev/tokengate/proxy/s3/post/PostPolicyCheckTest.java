package dev.tokengate.proxy.s3.post;

import static dev.tokengate.proxy.s3.post.PolicyDocuments.NOW;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.assertFails;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.withConditions;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.tokengate.proxy.s3.S3Error;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The form-level rules: expiry, eq / starts-with matching, and fields no condition covers. */
class PostPolicyCheckTest {

  private static Map<String, String> form(String... namesAndValues) {
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return fields;
  }

  private static void assertDenied(String detail, PostPolicy policy, Map<String, String> fields) {
    assertFails(S3Error.ACCESS_DENIED, 403, "Invalid according to Policy: " + detail,
        () -> policy.check(fields, NOW));
  }

  @Test
  void aMatchingFormPasses() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['starts-with', '$key', 'uploads/'],"
        + " ['eq', '$content-type', 'image/png']]");
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "key", "uploads/a.png", "content-type", "image/png"), NOW));
  }

  @Test
  void anExpiredPolicyIsDenied() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertFails(S3Error.ACCESS_DENIED, 403, "Invalid according to Policy: Policy expired.",
        () -> p.check(form("bucket", "b"), Instant.parse("2026-12-02T19:30:01Z")));
  }

  @Test
  void thePolicyExpiresAtItsExpirationInstant() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertFails(S3Error.ACCESS_DENIED, 403, "Invalid according to Policy: Policy expired.",
        () -> p.check(form("bucket", "b"), p.expiration()));
    assertDoesNotThrow(() -> p.check(form("bucket", "b"), p.expiration().minusMillis(1)));
  }

  @Test
  void aFailedEqConditionIsQuoted() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['eq', '$key', 'foo']]");
    assertDenied("Policy Condition failed: [\"eq\", \"$key\", \"foo\"]", p, form("bucket", "b", "key", "bar"));
  }

  @Test
  void aFailedSimpleConditionIsQuotedAsEq() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertDenied("Policy Condition failed: [\"eq\", \"$bucket\", \"b\"]", p, form("bucket", "other"));
  }

  @Test
  void aFailedStartsWithIsQuoted() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['starts-with', '$key', 'uploads/']]");
    assertDenied("Policy Condition failed: [\"starts-with\", \"$key\", \"uploads/\"]", p,
        form("bucket", "b", "key", "other/a.txt"));
  }

  @Test
  void theRenderingEscapesQuotesInTheValue() throws Exception {
    // Double quotes written out here: the JSON value is a"b.
    PostPolicy p = withConditions("[{\"bucket\": \"b\"}, [\"eq\", \"$key\", \"a\\\"b\"]]");
    assertDenied("Policy Condition failed: [\"eq\", \"$key\", \"a\\\"b\"]", p, form("bucket", "b", "key", "x"));
  }

  @Test
  void valuesCompareCaseSensitively() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['eq', '$key', 'Photo.png']]");
    assertDenied("Policy Condition failed: [\"eq\", \"$key\", \"Photo.png\"]", p, form("bucket", "b", "key", "photo.png"));
  }

  @Test
  void eqIsExactNotPrefix() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['eq', '$key', 'a']]");
    assertDenied("Policy Condition failed: [\"eq\", \"$key\", \"a\"]", p, form("bucket", "b", "key", "ab"));
  }

  @Test
  void fieldNamesInArrayConditionsAreCaseInsensitive() throws Exception {
    PostPolicy p = withConditions("[['eq', '$BUCKET', 'b'], ['starts-with', '$Key', 'u/'],"
        + " ['Eq', '$X-Amz-Meta-Tag', 'v']]");
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "key", "u/1", "x-amz-meta-tag", "v"), NOW));
  }

  @Test
  void fieldNamesInSimpleConditionsAreCaseInsensitive() throws Exception {
    PostPolicy p = withConditions("[{'bUcKeT': 'b'}, {'Content-Type': 'text/plain'}]");
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "content-type", "text/plain"), NOW));
  }

  @Test
  void aFailedConditionIsQuotedAsThePolicyWroteTheField() throws Exception {
    PostPolicy p = withConditions("[{'bUcKeT': 'b'}]");
    assertDenied("Policy Condition failed: [\"eq\", \"$bUcKeT\", \"b\"]", p, form("bucket", "c"));
  }

  @Test
  void aBackslashIsJustACharacter() throws Exception {
    // JSON "\\$foo" is the four characters \$foo.
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['starts-with', '$key', '\\\\$foo']]");
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "key", "\\$foo.txt"), NOW));
    assertDenied("Policy Condition failed: [\"starts-with\", \"$key\", \"\\\\$foo\"]", p,
        form("bucket", "b", "key", "$foo.txt"));
  }

  @Test
  void filenameIsNotSubstitutedHere() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['eq', '$key', 'uploads/${filename}']]");
    // The caller substitutes ${filename} in the form's key; this class compares what it is given.
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "key", "uploads/${filename}"), NOW));
    assertDenied("Policy Condition failed: [\"eq\", \"$key\", \"uploads/${filename}\"]", p,
        form("bucket", "b", "key", "uploads/cat.png"));
  }

  @Test
  void aConditionOnAnAbsentFieldFails() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['starts-with', '$key', 'u/']]");
    assertDenied("Policy Condition failed: [\"starts-with\", \"$key\", \"u/\"]", p, form("bucket", "b"));
  }

  @Test
  void anEmptyEqOnAnAbsentFieldFails() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, {'x-amz-meta-tag': ''}]");
    assertDenied("Policy Condition failed: [\"eq\", \"$x-amz-meta-tag\", \"\"]", p, form("bucket", "b"));
  }

  @Test
  void startsWithEmptyMatchesAnyValueAndAnAbsentField() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['starts-with', '$content-type', '']]");
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "content-type", "anything/at-all"), NOW));
    assertDoesNotThrow(() -> p.check(form("bucket", "b", "content-type", ""), NOW));
    assertDoesNotThrow(() -> p.check(form("bucket", "b"), NOW));
  }

  @Test
  void aFieldNoConditionCoversIsDenied() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['starts-with', '$key', '']]");
    assertDenied("Extra input fields: x-amz-meta-tag", p, form("bucket", "b", "key", "k", "x-amz-meta-tag", "v"));
  }

  @Test
  void theBucketMustBeCovered() throws Exception {
    PostPolicy p = withConditions("[['starts-with', '$key', '']]");
    assertDenied("Extra input fields: bucket", p, form("bucket", "b", "key", "k"));
  }

  @Test
  void contentLengthRangeCoversNoField() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['content-length-range', 0, 10]]");
    assertDenied("Extra input fields: content-length", p, form("bucket", "b", "content-length", "5"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"success_action_status", "content-type", "x-amz-algorithm", "x-amz-credential",
      "x-amz-date", "acl", "x-amz-meta-a", "cache-control", "x-ignore", "ignore-x-amz-signature"})
  void theseFieldsNeedACondition(String field) throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertDenied("Extra input fields: " + field, p, form("bucket", "b", field, "v"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"awsaccesskeyid", "signature", "policy", "file", "x-amz-signature", "x-amz-security-token",
      "x-ignore-", "x-ignore-anything", "x-ignore-tracking-id", "x-amz-checksum-sha256", "x-amz-checksum-crc32"})
  void theseFieldsNeedNoCondition(String field) throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertDoesNotThrow(() -> p.check(form("bucket", "b", field, "v"), NOW));
  }

  @Test
  void successActionRedirectIsMatchedAsAUrl() throws Exception {
    String url = "https://www.example.com/upload/done.html?from=s3&next=%2Fhome#top";
    PostPolicy p = withConditions("[{'bucket': 'photos'}, ['starts-with', '$key', 'user/alice/'],"
        + " {'acl': 'public-read'}, ['eq', '$success_action_redirect', '" + url + "'],"
        + " ['starts-with', '$Content-Type', 'image/'], {'x-amz-meta-uuid': '14365123651274'},"
        + " {'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/s3/aws4_request'},"
        + " {'x-amz-algorithm': 'AWS4-HMAC-SHA256'}, {'x-amz-date': '20261202T000000Z'}]");
    Map<String, String> fields = form("bucket", "photos", "key", "user/alice/cat.png", "acl", "public-read",
        "success_action_redirect", url, "content-type", "image/png", "x-amz-meta-uuid", "14365123651274",
        "x-amz-credential", "AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/s3/aws4_request",
        "x-amz-algorithm", "AWS4-HMAC-SHA256", "x-amz-date", "20261202T000000Z",
        "x-amz-signature", "abc123", "policy", "eyJ9", "file", "");
    assertDoesNotThrow(() -> p.check(fields, NOW));

    fields.put("success_action_redirect", "https://www.example.com/upload/done.html");
    assertDenied("Policy Condition failed: [\"eq\", \"$success_action_redirect\", \"" + url + "\"]", p, fields);
  }

  @Test
  void expiryIsCheckedBeforeConditions() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertFails(S3Error.ACCESS_DENIED, 403, "Invalid according to Policy: Policy expired.",
        () -> p.check(form("bucket", "wrong", "extra", "x"), Instant.parse("2027-01-01T00:00:00Z")));
  }
}
