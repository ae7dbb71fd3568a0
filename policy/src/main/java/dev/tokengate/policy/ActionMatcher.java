package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Action (or NotAction) list of a statement: exact names in a lower-cased hash set, wildcard
 * names as pre-compiled case-insensitive patterns.
 */
final class ActionMatcher {
  private final List<String> source;
  private final Set<String> exact = new HashSet<>();
  private final WildcardPattern[] patterns;
  private final boolean any;

  ActionMatcher(List<String> actions) {
    this.source = List.copyOf(actions);
    List<WildcardPattern> wild = new ArrayList<>();
    boolean all = false;
    for (String action : actions) {
      if (action.equals("*")) {
        all = true;
        continue;
      }
      int colon = action.indexOf(':');
      if (colon <= 0 || colon == action.length() - 1) {
        throw new MalformedPolicyException(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
      }
      if (action.indexOf('*') >= 0 || action.indexOf('?') >= 0) {
        wild.add(WildcardPattern.compile(action, true));
      } else {
        exact.add(action.toLowerCase(Locale.ROOT));
      }
    }
    this.any = all;
    this.patterns = wild.toArray(new WildcardPattern[0]);
  }

  /** Whether {@code lowerAction} (already lower-cased) is in the list. */
  boolean matches(String lowerAction) {
    if (any || exact.contains(lowerAction)) {
      return true;
    }
    for (WildcardPattern p : patterns) {
      if (p.matches(lowerAction)) {
        return true;
      }
    }
    return false;
  }

  List<String> source() {
    return source;
  }
}
