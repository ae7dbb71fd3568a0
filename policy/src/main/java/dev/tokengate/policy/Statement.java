package dev.tokengate.policy;

import java.util.List;

/**
 * One compiled policy statement.
 *
 * @param sid the Sid, or null
 * @param index the 0-based position in the policy's Statement list
 * @param effect Allow or Deny
 * @param principal the Principal/NotPrincipal element, null in identity, session and boundary policies
 * @param notPrincipal whether {@code principal} came from NotPrincipal
 * @param actions the Action/NotAction list
 * @param notAction whether {@code actions} came from NotAction
 * @param resources the Resource/NotResource list
 * @param notResource whether {@code resources} came from NotResource
 * @param conditions the conditions, all of which must hold
 */
public record Statement(
    String sid,
    int index,
    Effect effect,
    PrincipalMatcher principal,
    boolean notPrincipal,
    ActionMatcher actions,
    boolean notAction,
    ResourceMatcher resources,
    boolean notResource,
    List<Condition> conditions) {

  /** Whether the Action/NotAction element covers {@code lowerAction}. */
  boolean coversAction(String lowerAction) {
    return actions.matches(lowerAction) != notAction;
  }

  /** Whether resource and conditions hold for the request (the action is checked by the caller). */
  boolean appliesTo(RequestContext context, DecisionTrace trace) {
    if (resources.matches(context.resource(), context, trace) == notResource) {
      if (trace != null) {
        trace.note("    resource " + context.resource() + (notResource ? " is in NotResource " : " not in ")
            + resources.source());
      }
      return false;
    }
    for (int i = 0; i < conditions.size(); i++) {
      if (!conditions.get(i).matches(context, trace)) {
        return false;
      }
    }
    return true;
  }

  /** How the Principal/NotPrincipal element names {@code caller} (NotPrincipal inverts). */
  PrincipalMatcher.Match principalMatch(Principal caller) {
    if (principal == null) {
      return PrincipalMatcher.Match.DIRECT;
    }
    PrincipalMatcher.Match m = principal.match(caller);
    if (!notPrincipal) {
      return m;
    }
    // NotPrincipal applies to everyone it does not name; treat that like a wildcard grant. Only the
    // caller's own ARN spares it: AWS's own example lists the user (or session) together with its
    // account, and means the account entry to spare nobody else in the account.
    return m == PrincipalMatcher.Match.DIRECT ? PrincipalMatcher.Match.NONE : PrincipalMatcher.Match.WILDCARD;
  }

  /** A short label for traces: {@code Sid "x" (#2)}. */
  String label() {
    return (sid == null ? "statement" : "Sid \"" + sid + "\"") + " (#" + index + ")";
  }
}
