package dev.tokengate.policy;

import java.util.List;

/**
 * One condition key under one operator (e.g. {@code "StringLike": {"s3:prefix": ["a/*"]}}) with
 * AWS's rules: values are ORed; a missing key fails positive operators, passes negated ones, and
 * passes anything with IfExists; ForAllValues/ForAnyValue combine multi-valued keys.
 *
 * @param operator the parsed operator
 * @param key the key as written (matched case-insensitively)
 * @param lowerKey the key lower-cased once at parse time
 * @param values the compiled policy values
 */
record Condition(ConditionOperator operator, String key, String lowerKey, List<ConditionValue> values) {

  /** Whether the request satisfies this condition; reasons for failure go to {@code trace}. */
  boolean matches(RequestContext context, DecisionTrace trace) {
    List<String> requestValues = context.valuesLower(lowerKey);
    boolean result = evaluate(requestValues, context);
    if (!result && trace != null) {
      trace.conditionFailed(this, requestValues, context);
    }
    return result;
  }

  private boolean evaluate(List<String> requestValues, RequestContext context) {
    ConditionOperator.Base base = operator.base();
    boolean present = requestValues != null && !requestValues.isEmpty();
    if (base == ConditionOperator.Base.NULL) {
      boolean anyTrue = false;
      for (ConditionValue v : values) {
        if (ConditionValue.expectsAbsent(v) != present) {
          anyTrue = true;
        }
      }
      return anyTrue;
    }
    if (!present) {
      if (operator.ifExists()) {
        return true;
      }
      return switch (operator.qualifier()) {
        case FOR_ALL_VALUES -> true;
        case FOR_ANY_VALUE -> false;
        case NONE -> base.negated();
      };
    }
    switch (operator.qualifier()) {
      case FOR_ALL_VALUES:
        for (int i = 0; i < requestValues.size(); i++) {
          if (anyPolicyValue(requestValues.get(i), context) == base.negated()) {
            return false;
          }
        }
        return true;
      case FOR_ANY_VALUE:
        for (int i = 0; i < requestValues.size(); i++) {
          if (anyPolicyValue(requestValues.get(i), context) != base.negated()) {
            return true;
          }
        }
        return false;
      default:
        boolean matched = false;
        for (int i = 0; i < requestValues.size() && !matched; i++) {
          matched = anyPolicyValue(requestValues.get(i), context);
        }
        return matched != base.negated();
    }
  }

  private boolean anyPolicyValue(String requestValue, RequestContext context) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).test(requestValue, context)) {
        return true;
      }
    }
    return false;
  }
}
