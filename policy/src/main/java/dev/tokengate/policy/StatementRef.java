package dev.tokengate.policy;

/**
 * Points at a statement that decided (or contributed to) a decision.
 *
 * @param policyName the policy's name (inline name or managed ARN)
 * @param policyType which kind of policy it is
 * @param sid the statement's Sid, or null
 * @param index the statement's 0-based index in the policy
 * @param effect the statement's Effect
 */
public record StatementRef(String policyName, PolicyType policyType, String sid, int index, Effect effect) {

  @Override
  public String toString() {
    return policyType.label() + " " + policyName + " " + (sid == null ? "" : "Sid=" + sid + " ")
        + "#" + index + " (" + effect + ")";
  }
}
