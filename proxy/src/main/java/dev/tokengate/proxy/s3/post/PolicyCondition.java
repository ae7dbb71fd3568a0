package dev.tokengate.proxy.s3.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.util.Locale;
import java.util.Map;

/**
 * One entry of a POST policy's {@code conditions} array: a condition on a form field, or the
 * file part's {@code content-length-range}.
 */
sealed interface PolicyCondition permits FieldCondition, ContentLengthRange {

  /**
   * Reads one condition: {@code {"field": "value"}} (exact match), {@code ["eq" | "starts-with",
   * "$field", "value"]} or {@code ["content-length-range", min, max]}.
   */
  static PolicyCondition parse(JsonNode node) throws S3Exception {
    if (node.isObject()) {
      return simpleCondition(node);
    }
    if (!node.isArray() || node.isEmpty() || !node.get(0).isTextual()) {
      throw invalid("Invalid Condition: " + node);
    }
    // Operator names are matched case-insensitively, as AWS does.
    String operator = node.get(0).textValue().toLowerCase(Locale.ROOT);
    return switch (operator) {
      case "eq" -> fieldCondition(FieldCondition.Operator.EQ, node);
      case "starts-with" -> fieldCondition(FieldCondition.Operator.STARTS_WITH, node);
      case "content-length-range" -> contentLengthRange(node);
      default -> throw invalid("Invalid Condition: unknown operator '" + node.get(0).textValue() + "': " + node);
    };
  }

  private static FieldCondition simpleCondition(JsonNode node) throws S3Exception {
    if (node.size() != 1) {
      throw invalid("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    }
    Map.Entry<String, JsonNode> member = node.properties().iterator().next();
    if (!member.getValue().isTextual()) {
      throw invalid("Invalid Simple-Condition: value must be a string: " + node);
    }
    return new FieldCondition(FieldCondition.Operator.EQ, member.getKey(), member.getValue().textValue());
  }

  private static FieldCondition fieldCondition(FieldCondition.Operator operator, JsonNode node) throws S3Exception {
    if (node.size() != 3 || !node.get(1).isTextual() || !node.get(2).isTextual()) {
      throw invalid("Invalid Condition: expected [\"" + operator.wireName() + "\", \"$field\", \"value\"]: " + node);
    }
    String field = node.get(1).textValue();
    if (field.length() < 2 || field.charAt(0) != '$') {
      throw invalid("Invalid Condition: field name must start with '$': " + node);
    }
    return new FieldCondition(operator, field.substring(1), node.get(2).textValue());
  }

  private static ContentLengthRange contentLengthRange(JsonNode node) throws S3Exception {
    if (node.size() != 3 || !isByteCount(node.get(1)) || !isByteCount(node.get(2))) {
      throw invalid("Invalid 'content-length-range' condition: expected two non-negative integers: " + node);
    }
    long min = node.get(1).longValue();
    long max = node.get(2).longValue();
    if (min > max) {
      throw invalid("Invalid 'content-length-range' condition: minimum exceeds maximum: " + node);
    }
    return new ContentLengthRange(min, max);
  }

  /** A JSON integer (not 1.0, not a quoted number) that fits a long and is not negative. */
  private static boolean isByteCount(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
  }

  static S3Exception invalid(String detail) {
    return new S3Exception(S3Error.INVALID_POLICY_DOCUMENT, "Invalid Policy: " + detail);
  }
}
