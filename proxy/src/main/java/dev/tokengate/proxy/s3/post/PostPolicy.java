package dev.tokengate.proxy.s3.post;

import static dev.tokengate.proxy.s3.post.PolicyCondition.invalid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The policy document of an S3 POST Object (browser form upload): when the form expires and the
 * conditions its fields must meet. Parsing rejects what AWS rejects as InvalidPolicyDocument;
 * {@link #check} answers a form that breaks the policy with AccessDenied, as AWS does.
 *
 * <p>The signature over the policy, the multipart form and {@code ${filename}} expansion belong to
 * the caller.
 */
public final class PostPolicy {

  /** Largest decoded policy accepted; AWS's own bound on the policy field is 20 KiB. */
  static final int MAX_POLICY_BYTES = 20 * 1024;

  /** Base64 characters that can decode to at most {@link #MAX_POLICY_BYTES}: checked before decoding. */
  private static final int MAX_ENCODED_CHARS = 4 * ((MAX_POLICY_BYTES + 2) / 3);

  /**
   * A legal document nests three deep (document, conditions, condition); the bound keeps a
   * pathological document from recursing, with room left for a readable condition error.
   */
  private static final int MAX_NESTING_DEPTH = 8;

  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          // A repeated key must not let a second "expiration" or condition member override the first unseen.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** ISO-8601 UTC, to the second or the millisecond: the forms AWS accepts and SDKs send. */
  private static final Pattern EXPIRATION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z");

  /**
   * Form fields no condition has to cover. AWS exempts the signature, the file, the policy itself
   * and {@code x-ignore-*}; {@code AWSAccessKeyId} and {@code signature} are SigV2's credential and
   * signature fields, exempt in practice. {@code x-amz-security-token} is exempt by choice: it is
   * checked against the signing credential, so a condition on it would add nothing.
   */
  private static final Set<String> EXEMPT_FIELDS =
      Set.of("awsaccesskeyid", "signature", "policy", "file", "x-amz-signature", "x-amz-security-token");

  private static final String IGNORED_FIELD_PREFIX = "x-ignore-";
  /**
   * A checksum of the file (x-amz-checksum-sha256, …) only makes the upload stricter; S3 accepts it
   * without a condition (ceph/s3-tests' test_post_object_upload_checksum, checked against AWS).
   */
  private static final String CHECKSUM_FIELD_PREFIX = "x-amz-checksum-";

  private final Instant expiration;
  private final List<FieldCondition> fieldConditions;
  private final List<ContentLengthRange> contentLengthRanges;

  private PostPolicy(
      Instant expiration, List<FieldCondition> fieldConditions, List<ContentLengthRange> contentLengthRanges) {
    this.expiration = expiration;
    this.fieldConditions = fieldConditions;
    this.contentLengthRanges = contentLengthRanges;
  }

  /** Parses the base64 {@code policy} form field (standard base64 of a UTF-8 JSON document). */
  public static PostPolicy parse(String base64Policy) throws S3Exception {
    JsonNode document = readDocument(decode(base64Policy));
    // Top-level keys are case-sensitive: "EXPIRATION" does not name the expiration.
    JsonNode expirationNode = document.get("expiration");
    if (expirationNode == null) {
      throw invalid("Policy missing expiration.");
    }
    Instant expiration = expiration(expirationNode);
    JsonNode conditionsNode = document.get("conditions");
    if (conditionsNode == null) {
      throw invalid("Policy missing conditions.");
    }
    if (!conditionsNode.isArray()) {
      throw invalid("Invalid 'conditions' value: must be an array.");
    }
    List<FieldCondition> fieldConditions = new ArrayList<>();
    List<ContentLengthRange> ranges = new ArrayList<>();
    for (JsonNode node : conditionsNode) {
      PolicyCondition condition = PolicyCondition.parse(node);
      if (condition instanceof FieldCondition f) {
        fieldConditions.add(f);
      } else if (condition instanceof ContentLengthRange r) {
        ranges.add(r);
      }
    }
    return new PostPolicy(expiration, List.copyOf(fieldConditions), List.copyOf(ranges));
  }

  public Instant expiration() {
    return expiration;
  }

  /**
   * Checks expiry and every condition against the form, then that no form field goes uncovered.
   *
   * @param fields form field names lower-cased to their values: {@code key} with {@code ${filename}}
   *     already substituted, and {@code bucket} the bucket posted to, even if no form field named it
   */
  public void check(Map<String, String> fields, Instant now) throws S3Exception {
    if (!now.isBefore(expiration)) {
      throw denied("Policy expired.");
    }
    Set<String> covered = new HashSet<>();
    for (FieldCondition condition : fieldConditions) {
      if (!condition.matches(fields.get(condition.fieldKey()))) {
        throw denied("Policy Condition failed: " + condition.render());
      }
      covered.add(condition.fieldKey());
    }
    for (String field : fields.keySet()) {
      if (!covered.contains(field) && !isExempt(field)) {
        throw denied("Extra input fields: " + field);
      }
    }
  }

  /** Checks the file part's size against every {@code content-length-range}; none means any size. */
  public void checkContentLength(long fileBytes) throws S3Exception {
    for (ContentLengthRange range : contentLengthRanges) {
      range.check(fileBytes);
    }
  }

  private static boolean isExempt(String field) {
    return EXEMPT_FIELDS.contains(field) || field.startsWith(IGNORED_FIELD_PREFIX)
        || field.startsWith(CHECKSUM_FIELD_PREFIX);
  }

  private static String decode(String base64Policy) throws S3Exception {
    if (base64Policy.length() > MAX_ENCODED_CHARS) {
      throw tooLarge();
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64Policy);
    } catch (IllegalArgumentException e) {
      throw invalid("Invalid Base64 encoding.");
    }
    if (bytes.length > MAX_POLICY_BYTES) {
      throw tooLarge();
    }
    try {
      // Strict: malformed UTF-8 is refused rather than replaced, so no two byte strings read alike.
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("Invalid JSON.");
    }
  }

  private static JsonNode readDocument(String json) throws S3Exception {
    JsonNode document;
    try {
      document = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid("Invalid JSON.");
    }
    if (document == null || !document.isObject()) {
      throw invalid("Invalid JSON.");
    }
    return document;
  }

  private static Instant expiration(JsonNode node) throws S3Exception {
    String text = node.isTextual() ? node.textValue() : node.toString();
    if (node.isTextual() && EXPIRATION.matcher(text).matches()) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        // Well-formed but no such instant (month 13, February 30): falls through to the same error.
      }
    }
    throw invalid("Invalid 'expiration' value: '" + text + "'");
  }

  private static S3Exception tooLarge() {
    return invalid("Policy exceeds the maximum allowed document size of " + MAX_POLICY_BYTES + " bytes.");
  }

  private static S3Exception denied(String detail) {
    return new S3Exception(S3Error.ACCESS_DENIED, "Invalid according to Policy: " + detail);
  }
}
