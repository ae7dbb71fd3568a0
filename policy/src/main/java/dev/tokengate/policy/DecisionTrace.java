package dev.tokengate.policy;

import java.util.List;

/**
 * Collects, for debug logs, which statements were looked at, which matched, which conditions
 * failed and which keys or variables were missing. Only allocated when a trace is asked for.
 */
final class DecisionTrace {
  private final StringBuilder text = new StringBuilder();

  void policy(Policy policy, int candidates) {
    text.append(policy.type().label()).append(' ').append(policy.name()).append(": ")
        .append(candidates).append(" statement(s) cover the action\n");
  }

  void statement(Statement statement, String outcome) {
    text.append("  ").append(statement.label()).append(' ').append(statement.effect()).append(": ")
        .append(outcome).append('\n');
  }

  void conditionFailed(Condition condition, List<String> requestValues, RequestContext context) {
    text.append("    condition ").append(condition.operator().awsName()).append(' ')
        .append(condition.key()).append(' ');
    text.append(condition.values().stream().map(v -> v.source).toList());
    if (requestValues == null) {
      text.append(" failed: key missing from request");
    } else {
      text.append(" failed for request values ").append(requestValues);
    }
    text.append('\n');
  }

  void missingVariable(String template, String key) {
    text.append("    ").append(template).append(": variable ").append(key)
        .append(" has no value and no default\n");
  }

  void note(String line) {
    text.append(line).append('\n');
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
