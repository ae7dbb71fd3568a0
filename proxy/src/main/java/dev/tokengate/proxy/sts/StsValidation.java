package dev.tokengate.proxy.sts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects parameter constraint violations and reports them all at once in AWS's wording: {@code
 * 1 validation error detected: Value '10' at 'durationSeconds' failed to satisfy constraint:
 * Member must have value greater than or equal to 900}.
 */
final class StsValidation {
  private final List<String> errors = new ArrayList<>();

  /** Parses an optional integer parameter, checking its range; returns {@code fallback} if absent. */
  int integer(StsRequest request, String param, int min, int max, int fallback) {
    String raw = request.get(param);
    if (raw == null) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      errors.add("Value '" + raw + "' at '" + member(param) + "' failed to satisfy constraint: Member must be a number");
      return fallback;
    }
    if (value < min) {
      errors.add(violation(raw, param, "Member must have value greater than or equal to " + min));
    } else if (value > max) {
      errors.add(violation(raw, param, "Member must have value less than or equal to " + max));
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }

  /** Checks an optional string's length and pattern; returns it (or null if absent). */
  String string(StsRequest request, String param, int minLength, int maxLength, Pattern pattern) {
    return string(request.get(param), param, minLength, maxLength, pattern);
  }

  String string(String value, String param, int minLength, int maxLength, Pattern pattern) {
    if (value == null) {
      return null;
    }
    int length = value.codePointCount(0, value.length());
    if (length < minLength) {
      errors.add(violation(value, param, "Member must have length greater than or equal to " + minLength));
    } else if (length > maxLength) {
      errors.add(violation(value, param, "Member must have length less than or equal to " + maxLength));
    }
    if (pattern != null && !pattern.matcher(value).matches()) {
      errors.add(violation(value, param, "Member must satisfy regular expression pattern: " + pattern.pattern()));
    }
    return value;
  }

  /** A required parameter; a missing one is reported the way AWS does ({@code Value null at …}). */
  String required(StsRequest request, String param, int minLength, int maxLength, Pattern pattern) {
    String value = request.get(param);
    if (value == null) {
      errors.add("Value null at '" + member(param) + "' failed to satisfy constraint: Member must not be null");
      return null;
    }
    return string(value, param, minLength, maxLength, pattern);
  }

  void add(String error) {
    errors.add(error);
  }

  void check() throws StsException {
    if (errors.isEmpty()) {
      return;
    }
    String count = errors.size() == 1 ? "1 validation error detected: " : errors.size() + " validation errors detected: ";
    throw new StsException(StsError.VALIDATION_ERROR, count + String.join("; ", errors));
  }

  private static String violation(String value, String param, String rule) {
    return "Value '" + value + "' at '" + member(param) + "' failed to satisfy constraint: " + rule;
  }

  /** AWS names members in camel case: DurationSeconds → durationSeconds. */
  static String member(String param) {
    int dot = param.indexOf('.');
    String head = dot < 0 ? param : param.substring(0, dot);
    return Character.toLowerCase(head.charAt(0)) + head.substring(1);
  }
}
