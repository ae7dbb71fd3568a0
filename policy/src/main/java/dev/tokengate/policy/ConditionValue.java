package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One value of a condition, pre-parsed for its operator family (string pattern, number, date,
 * CIDR, ARN segments…), testing one request value with the operator's positive comparison.
 */
abstract class ConditionValue {
  /** The value as written in the policy, for traces. */
  final String source;

  ConditionValue(String source) {
    this.source = source;
  }

  /** The positive comparison (negation and set logic are applied by {@link Condition}). */
  abstract boolean test(String requestValue, RequestContext context);

  /**
   * Compiles a policy value for {@code base}.
   *
   * @param variables whether policy variables apply (Version 2012-10-17)
   * @throws MalformedPolicyException when the value does not fit the operator
   */
  static ConditionValue compile(ConditionOperator.Base base, String value, boolean variables) {
    return switch (base.family()) {
      case STRING -> new StringValue(value,
          PolicyTemplate.compile(value, variables, base.wildcards(), base.ignoreCase()));
      case NUMERIC -> new NumericValue(value, parseNumber(value), base.comparison());
      case DATE -> new DateValue(value, parseDate(value), base.comparison());
      case BOOL -> new BoolValue(value);
      case BINARY -> new BinaryValue(value);
      case IP -> new IpValue(value, CidrBlock.parse(value));
      case ARN -> new ArnValue(value, variables);
      case NULL -> new NullValue(value);
    };
  }

  private static double parseNumber(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new MalformedPolicyException("Invalid numeric value in condition: " + value);
    }
  }

  private static long parseDate(String value) {
    long millis = DateValues.parseMillis(value);
    if (millis == DateValues.INVALID) {
      throw new MalformedPolicyException("Invalid date value in condition: " + value);
    }
    return millis;
  }

  static boolean compare(ConditionOperator.Comparison comparison, int order) {
    return switch (comparison) {
      case EQ -> order == 0;
      case LT -> order < 0;
      case LE -> order <= 0;
      case GT -> order > 0;
      case GE -> order >= 0;
    };
  }

  private static final class StringValue extends ConditionValue {
    private final PolicyTemplate template;

    StringValue(String source, PolicyTemplate template) {
      super(source);
      this.template = template;
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      return template.matches(context, requestValue);
    }
  }

  private static final class NumericValue extends ConditionValue {
    private final double number;
    private final ConditionOperator.Comparison comparison;

    NumericValue(String source, double number, ConditionOperator.Comparison comparison) {
      super(source);
      this.number = number;
      this.comparison = comparison;
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      double v;
      try {
        v = Double.parseDouble(requestValue);
      } catch (NumberFormatException e) {
        return false;
      }
      return compare(comparison, Double.compare(v, number));
    }
  }

  private static final class DateValue extends ConditionValue {
    private final long millis;
    private final ConditionOperator.Comparison comparison;

    DateValue(String source, long millis, ConditionOperator.Comparison comparison) {
      super(source);
      this.millis = millis;
      this.comparison = comparison;
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      long v = DateValues.parseMillis(requestValue);
      return v != DateValues.INVALID && compare(comparison, Long.compare(v, millis));
    }
  }

  private static final class BoolValue extends ConditionValue {
    BoolValue(String source) {
      super(source);
      if (!source.equalsIgnoreCase("true") && !source.equalsIgnoreCase("false")) {
        throw new MalformedPolicyException("Invalid boolean value in condition: " + source);
      }
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      return source.equalsIgnoreCase(requestValue);
    }
  }

  private static final class BinaryValue extends ConditionValue {
    private final byte[] bytes;

    BinaryValue(String source) {
      super(source);
      try {
        bytes = Base64.getDecoder().decode(source);
      } catch (IllegalArgumentException e) {
        throw new MalformedPolicyException("Invalid base64 value in condition: " + source);
      }
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      try {
        return java.util.Arrays.equals(bytes, Base64.getDecoder().decode(requestValue));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  private static final class IpValue extends ConditionValue {
    private final CidrBlock block;

    IpValue(String source, CidrBlock block) {
      super(source);
      this.block = block;
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      return block.contains(requestValue);
    }
  }

  /** ARN operators compare the six colon-separated parts one by one, each with wildcards. */
  private static final class ArnValue extends ConditionValue {
    private final PolicyTemplate[] parts;

    ArnValue(String source, boolean variables) {
      super(source);
      List<String> split = splitArn(source);
      parts = new PolicyTemplate[split.size()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = PolicyTemplate.compile(split.get(i), variables, true, false);
      }
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      if (parts.length == 1) {
        // A lone "*" (or a non-ARN literal) is compared as a whole.
        return parts[0].matches(context, requestValue);
      }
      if (parts.length != 6) {
        return false;
      }
      int from = 0;
      for (int i = 0; i < 6; i++) {
        int to = i == 5 ? requestValue.length() : requestValue.indexOf(':', from);
        if (to < 0) {
          return false;
        }
        if (!parts[i].matches(context, requestValue, from, to)) {
          return false;
        }
        from = to + 1;
      }
      return true;
    }

    // Splits on the first five colons outside ${...}, since ${aws:username} holds a colon.
    private static List<String> splitArn(String arn) {
      List<String> out = new ArrayList<>(6);
      int depth = 0;
      int start = 0;
      for (int i = 0; i < arn.length() && out.size() < 5; i++) {
        char c = arn.charAt(i);
        if (c == '$' && i + 1 < arn.length() && arn.charAt(i + 1) == '{') {
          depth++;
        } else if (c == '}' && depth > 0) {
          depth--;
        } else if (c == ':' && depth == 0) {
          out.add(arn.substring(start, i));
          start = i + 1;
        }
      }
      out.add(arn.substring(start));
      return out;
    }
  }

  private static final class NullValue extends ConditionValue {
    private final boolean expectAbsent;

    NullValue(String source) {
      super(source);
      String lower = source.toLowerCase(Locale.ROOT);
      if (!lower.equals("true") && !lower.equals("false")) {
        throw new MalformedPolicyException("Invalid value for Null condition: " + source);
      }
      expectAbsent = lower.equals("true");
    }

    boolean expectAbsent() {
      return expectAbsent;
    }

    @Override
    boolean test(String requestValue, RequestContext context) {
      return !expectAbsent;
    }
  }

  /** For Null: true when the policy value says the key must be absent. */
  static boolean expectsAbsent(ConditionValue value) {
    return value instanceof NullValue n && n.expectAbsent();
  }
}
