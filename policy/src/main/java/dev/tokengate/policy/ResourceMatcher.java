package dev.tokengate.policy;

import java.util.List;

/**
 * The Resource (or NotResource) list of a statement: case-sensitive ARN globs, possibly holding
 * policy variables that are resolved per request.
 */
final class ResourceMatcher {
  private final List<String> source;
  private final PolicyTemplate[] templates;
  private final boolean any;

  ResourceMatcher(List<String> resources, boolean variables) {
    this.source = List.copyOf(resources);
    this.templates = new PolicyTemplate[resources.size()];
    boolean all = false;
    for (int i = 0; i < templates.length; i++) {
      String r = resources.get(i);
      if (r.equals("*")) {
        all = true;
      } else if (!r.startsWith("arn:") || colons(r) < 5) {
        throw new MalformedPolicyException("Resource " + r + " must be in ARN format or \"*\".");
      }
      templates[i] = PolicyTemplate.compile(r, variables, true, false);
    }
    this.any = all;
  }

  private static int colons(String s) {
    int n = 0;
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth = Math.max(0, depth - 1);
      } else if (c == ':' && depth == 0) {
        n++;
      }
    }
    return n;
  }

  /** Whether {@code resource} matches an entry; entries with an unresolvable variable never match. */
  boolean matches(String resource, RequestContext context, DecisionTrace trace) {
    if (any) {
      return true;
    }
    for (PolicyTemplate t : templates) {
      if (t.matches(context, resource)) {
        return true;
      }
      if (trace != null && t.hasVariables() && t.missingVariable(context) != null) {
        trace.missingVariable(t.source(), t.missingVariable(context));
      }
    }
    return false;
  }

  List<String> source() {
    return source;
  }
}
