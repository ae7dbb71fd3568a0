package dev.tokengate.proxy.s3.post;

import static dev.tokengate.proxy.s3.post.PolicyDocuments.assertFails;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.assertInvalidPolicy;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.base64;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.json;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.withConditions;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.s3.S3Error;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The document-level rules: base64, JSON, expiration, conditions, size and nesting bounds. */
class PostPolicyParseTest {

  private static PostPolicy parseJson(String singleQuoted) throws Exception {
    return PostPolicy.parse(base64(json(singleQuoted)));
  }

  @Test
  void readsExpirationToTheSecond() throws Exception {
    PostPolicy p = parseJson("{'expiration': '2026-12-02T19:30:00Z', 'conditions': []}");
    assertEquals(Instant.parse("2026-12-02T19:30:00Z"), p.expiration());
  }

  @Test
  void readsExpirationWithMillis() throws Exception {
    PostPolicy p = parseJson("{'expiration': '2026-12-02T19:30:00.250Z', 'conditions': []}");
    assertEquals(Instant.parse("2026-12-02T19:30:00.250Z"), p.expiration());
  }

  @Test
  void malformedBase64IsInvalidPolicyDocument() {
    assertInvalidPolicy("Invalid Policy: ", () -> PostPolicy.parse("not base64!"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{'expiration': '2026-12-02T19:30:00Z', 'conditions': [],}",
      "{'expiration': '2026-12-02T19:30:00Z', 'conditions': []} {}", "not json"})
  void malformedJsonIsInvalidJson(String doc) {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid JSON.",
        () -> PostPolicy.parse(base64(json(doc))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "'2026-12-02T19:30:00Z'", "42", "null"})
  void aDocumentThatIsNotAnObjectIsInvalidJson(String doc) {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid JSON.",
        () -> PostPolicy.parse(base64(json(doc))));
  }

  @Test
  void malformedUtf8IsInvalidJson() {
    byte[] bytes = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid JSON.",
        () -> PostPolicy.parse(java.util.Base64.getEncoder().encodeToString(bytes)));
  }

  @Test
  void aRepeatedKeyIsInvalidJson() {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid JSON.",
        () -> parseJson("{'expiration': '2026-12-02T19:30:00Z', 'expiration': '2036-12-02T19:30:00Z',"
            + " 'conditions': []}"));
  }

  @Test
  void missingExpiration() {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Policy missing expiration.",
        () -> parseJson("{'conditions': [{'bucket': 'b'}]}"));
  }

  @Test
  void expirationInAnotherCaseCountsAsMissing() {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Policy missing expiration.",
        () -> parseJson("{'EXPIRATION': '2026-12-02T19:30:00Z', 'conditions': []}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-02 19:30:00.123456+00:00", "2026-12-02T19:30:00", "2026-12-02T19:30:00+00:00",
      "2026-12-02T19:30:00.123456Z", "2026-12-02", "2026-13-02T19:30:00Z", "2026-02-30T19:30:00Z", ""})
  void expirationNotInIsoUtcForm(String value) {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid 'expiration' value: '" + value + "'",
        () -> parseJson("{'expiration': '" + value + "', 'conditions': []}"));
  }

  @Test
  void expirationThatIsNotAString() {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid 'expiration' value: '1796239800'",
        () -> parseJson("{'expiration': 1796239800, 'conditions': []}"));
  }

  @Test
  void missingConditions() {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Policy missing conditions.",
        () -> parseJson("{'expiration': '2026-12-02T19:30:00Z'}"));
  }

  @Test
  void conditionsInAnotherCaseCountsAsMissing() {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Policy missing conditions.",
        () -> parseJson("{'expiration': '2026-12-02T19:30:00Z', 'CONDITIONS': [{'bucket': 'b'}]}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{'bucket': 'b'}", "'bucket'", "null"})
  void conditionsThatAreNotAnArray(String conditions) {
    assertInvalidPolicy("Invalid Policy: Invalid 'conditions' value",
        () -> parseJson("{'expiration': '2026-12-02T19:30:00Z', 'conditions': " + conditions + "}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{'bucket': 'b', 'key': 'k'}"})
  void aSimpleConditionNeedsExactlyOneMember(String condition) {
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400,
        "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.",
        () -> withConditions("[" + condition + "]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{'bucket': 5}", "{'bucket': null}", "{'bucket': ['b']}", "{'bucket': true}"})
  void aSimpleConditionValueMustBeAString(String condition) {
    assertInvalidPolicy("Invalid Policy: Invalid Simple-Condition: ", () -> withConditions("[" + condition + "]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"['matches', '$key', 'a']", "['', '$key', 'a']", "[]", "[5, '$key', 'a']",
      "['eq', 'key', 'a']", "['eq', '$', 'a']", "['starts-with', 'key', 'a']", "['eq', '$key']",
      "['eq', '$key', 'a', 'b']", "['eq', '$key', 5]", "['starts-with', '$key', null]", "['eq', 5, 'a']",
      "['eq', ['$key'], 'a']", "'bucket'", "5", "null"})
  void malformedConditions(String condition) {
    assertInvalidPolicy("Invalid Policy: Invalid Condition: ", () -> withConditions("[" + condition + "]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"['content-length-range', 1]", "['content-length-range', 1, 2, 3]",
      "['content-length-range', -1, 10]", "['content-length-range', 0, -10]", "['content-length-range', 10, 1]",
      "['content-length-range', '1', '10']", "['content-length-range', 1.5, 10]",
      "['content-length-range', 0, 99999999999999999999999]"})
  void malformedContentLengthRange(String condition) {
    assertInvalidPolicy("Invalid Policy: Invalid 'content-length-range' condition: ",
        () -> withConditions("[" + condition + "]"));
  }

  @Test
  void operatorNamesAreCaseInsensitive() throws Exception {
    withConditions("[['EQ', '$bucket', 'b'], ['Starts-With', '$key', 'u/'], ['CONTENT-LENGTH-RANGE', 0, 5]]");
  }

  @Test
  void aPolicyAtTheSizeBoundParses() throws Exception {
    String head = "{'expiration': '2026-12-02T19:30:00Z', 'conditions': [{'x-ignore-pad': '";
    String tail = "'}]}";
    String doc = json(head + "a".repeat(PostPolicy.MAX_POLICY_BYTES - head.length() - tail.length()) + tail);
    assertEquals(PostPolicy.MAX_POLICY_BYTES, doc.length());
    PostPolicy.parse(base64(doc));
  }

  @Test
  void aPolicyOverTwentyKibIsRefused() {
    String head = "{'expiration': '2026-12-02T19:30:00Z', 'conditions': [{'x-ignore-pad': '";
    String tail = "'}]}";
    String doc = json(head + "a".repeat(PostPolicy.MAX_POLICY_BYTES + 1 - head.length() - tail.length()) + tail);
    assertEquals(20 * 1024 + 1, doc.length());
    assertInvalidPolicy("Invalid Policy: Policy exceeds the maximum allowed document size",
        () -> PostPolicy.parse(base64(doc)));
  }

  @Test
  void aHugeEncodedPolicyIsRefusedBeforeDecoding() {
    assertInvalidPolicy("Invalid Policy: Policy exceeds the maximum allowed document size",
        () -> PostPolicy.parse("A".repeat(10_000_000)));
  }

  @Test
  void deepNestingIsRefusedAsInvalidJson() {
    String doc = "{\"expiration\": \"2026-12-02T19:30:00Z\", \"conditions\": [" + "[".repeat(5000)
        + "]".repeat(5000) + "]}";
    assertFails(S3Error.INVALID_POLICY_DOCUMENT, 400, "Invalid Policy: Invalid JSON.",
        () -> PostPolicy.parse(base64(doc)));
  }

  @Test
  void unknownTopLevelKeysAreIgnored() throws Exception {
    PostPolicy p = parseJson("{'expiration': '2026-12-02T19:30:00Z', 'conditions': [], 'comment': 'x'}");
    assertEquals(Instant.parse("2026-12-02T19:30:00Z"), p.expiration());
  }
}
