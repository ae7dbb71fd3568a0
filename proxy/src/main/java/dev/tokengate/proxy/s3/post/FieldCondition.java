package dev.tokengate.proxy.s3.post;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Locale;

/**
 * A condition on one form field: exact match ({@code eq}, also the {@code {"field": "value"}}
 * form) or prefix match ({@code starts-with}). The field name is case-insensitive; the value is
 * compared case-sensitively and literally (no escapes, no {@code ${filename}} expansion).
 *
 * @param field the field name as the policy wrote it, without the {@code $}
 */
record FieldCondition(Operator operator, String field, String value) implements PolicyCondition {

  enum Operator {
    EQ("eq"),
    STARTS_WITH("starts-with");

    private final String wireName;

    Operator(String wireName) {
      this.wireName = wireName;
    }

    String wireName() {
      return wireName;
    }
  }

  /** The form-field key this condition covers: form field names are looked up lower-cased. */
  String fieldKey() {
    return field.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the form's value satisfies this condition; {@code formValue} is null when the form
   * has no such field, which only {@code starts-with ""} accepts (the field may be left out).
   */
  boolean matches(String formValue) {
    if (formValue == null) {
      return operator == Operator.STARTS_WITH && value.isEmpty();
    }
    return operator == Operator.EQ ? formValue.equals(value) : formValue.startsWith(value);
  }

  /** The condition in array form, as AWS quotes it in "Policy Condition failed" messages. */
  String render() {
    return "[" + quote(operator.wireName()) + ", " + quote("$" + field) + ", " + quote(value) + "]";
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
