package dev.tokengate.policy;

import java.util.Locale;

/**
 * A parsed condition operator name such as {@code ForAnyValue:StringLikeIfExists}: the base
 * comparison, the set qualifier and the IfExists flag.
 *
 * @param base the comparison
 * @param qualifier how multi-valued request keys are combined
 * @param ifExists true when a missing key makes the condition true
 */
public record ConditionOperator(Base base, SetQualifier qualifier, boolean ifExists) {

  /** How the values of a multi-valued key are combined. */
  public enum SetQualifier { NONE, FOR_ALL_VALUES, FOR_ANY_VALUE }

  /** Which value type an operator compares. */
  public enum Family { STRING, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL }

  /** The ordering test of numeric and date operators. */
  enum Comparison { EQ, LT, LE, GT, GE }

  /** The base operators; a negated one is the NOT of its positive twin. */
  public enum Base {
    STRING_EQUALS("StringEquals", Family.STRING, false, Comparison.EQ),
    STRING_NOT_EQUALS("StringNotEquals", Family.STRING, true, Comparison.EQ),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Family.STRING, false, Comparison.EQ),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Family.STRING, true, Comparison.EQ),
    STRING_LIKE("StringLike", Family.STRING, false, Comparison.EQ),
    STRING_NOT_LIKE("StringNotLike", Family.STRING, true, Comparison.EQ),
    NUMERIC_EQUALS("NumericEquals", Family.NUMERIC, false, Comparison.EQ),
    NUMERIC_NOT_EQUALS("NumericNotEquals", Family.NUMERIC, true, Comparison.EQ),
    NUMERIC_LESS_THAN("NumericLessThan", Family.NUMERIC, false, Comparison.LT),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Family.NUMERIC, false, Comparison.LE),
    NUMERIC_GREATER_THAN("NumericGreaterThan", Family.NUMERIC, false, Comparison.GT),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Family.NUMERIC, false, Comparison.GE),
    DATE_EQUALS("DateEquals", Family.DATE, false, Comparison.EQ),
    DATE_NOT_EQUALS("DateNotEquals", Family.DATE, true, Comparison.EQ),
    DATE_LESS_THAN("DateLessThan", Family.DATE, false, Comparison.LT),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", Family.DATE, false, Comparison.LE),
    DATE_GREATER_THAN("DateGreaterThan", Family.DATE, false, Comparison.GT),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Family.DATE, false, Comparison.GE),
    BOOL("Bool", Family.BOOL, false, Comparison.EQ),
    BINARY_EQUALS("BinaryEquals", Family.BINARY, false, Comparison.EQ),
    IP_ADDRESS("IpAddress", Family.IP, false, Comparison.EQ),
    NOT_IP_ADDRESS("NotIpAddress", Family.IP, true, Comparison.EQ),
    ARN_EQUALS("ArnEquals", Family.ARN, false, Comparison.EQ),
    ARN_NOT_EQUALS("ArnNotEquals", Family.ARN, true, Comparison.EQ),
    ARN_LIKE("ArnLike", Family.ARN, false, Comparison.EQ),
    ARN_NOT_LIKE("ArnNotLike", Family.ARN, true, Comparison.EQ),
    NULL("Null", Family.NULL, false, Comparison.EQ);

    private final String awsName;
    private final Family family;
    private final boolean negated;
    private final Comparison comparison;

    Base(String awsName, Family family, boolean negated, Comparison comparison) {
      this.awsName = awsName;
      this.family = family;
      this.negated = negated;
      this.comparison = comparison;
    }

    public String awsName() {
      return awsName;
    }

    public Family family() {
      return family;
    }

    /** Whether the operator is the negation of a positive match (StringNotEquals, NotIpAddress…). */
    public boolean negated() {
      return negated;
    }

    Comparison comparison() {
      return comparison;
    }

    /** Whether values are matched with {@code *}/{@code ?} wildcards. */
    boolean wildcards() {
      return this == STRING_LIKE || this == STRING_NOT_LIKE || family == Family.ARN;
    }

    boolean ignoreCase() {
      return this == STRING_EQUALS_IGNORE_CASE || this == STRING_NOT_EQUALS_IGNORE_CASE;
    }
  }

  /**
   * Parses an operator name (case-insensitive like AWS, e.g. {@code stringlike} is accepted).
   *
   * @throws MalformedPolicyException for an unknown operator or IfExists on Null
   */
  public static ConditionOperator parse(String name) {
    String rest = name;
    SetQualifier qualifier = SetQualifier.NONE;
    String lower = rest.toLowerCase(Locale.ROOT);
    if (lower.startsWith("forallvalues:")) {
      qualifier = SetQualifier.FOR_ALL_VALUES;
      rest = rest.substring("forallvalues:".length());
    } else if (lower.startsWith("foranyvalue:")) {
      qualifier = SetQualifier.FOR_ANY_VALUE;
      rest = rest.substring("foranyvalue:".length());
    }
    boolean ifExists = false;
    if (rest.toLowerCase(Locale.ROOT).endsWith("ifexists")) {
      ifExists = true;
      rest = rest.substring(0, rest.length() - "ifexists".length());
    }
    for (Base base : Base.values()) {
      if (base.awsName.equalsIgnoreCase(rest)) {
        if (base == Base.NULL && ifExists) {
          break;
        }
        return new ConditionOperator(base, qualifier, ifExists);
      }
    }
    throw new MalformedPolicyException("Invalid Condition type : " + name);
  }

  /** The AWS spelling, e.g. {@code ForAnyValue:StringLikeIfExists}. */
  public String awsName() {
    String prefix = switch (qualifier) {
      case FOR_ALL_VALUES -> "ForAllValues:";
      case FOR_ANY_VALUE -> "ForAnyValue:";
      case NONE -> "";
    };
    return prefix + base.awsName + (ifExists ? "IfExists" : "");
  }
}
