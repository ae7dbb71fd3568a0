package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A policy string (resource or condition value) compiled into a {@link WildcardPattern}, with
 * policy variables such as {@code ${aws:username}} resolved against a request.
 *
 * <p>Variables are only recognised when the policy's Version is 2012-10-17; otherwise the text is
 * taken literally, as AWS does. Substituted values are literal characters: a {@code *} in a user
 * name never becomes a wildcard.
 */
final class PolicyTemplate {
  /** One {@code ${key}} or {@code ${key, 'default'}} occurrence. */
  record Variable(String lowerKey, String defaultValue) {}

  private final String source;
  private final boolean ignoreCase;
  private final WildcardPattern constant;
  private final Object[] parts; // int[] (literal/wildcard codes) or Variable

  private PolicyTemplate(String source, boolean ignoreCase, WildcardPattern constant, Object[] parts) {
    this.source = source;
    this.ignoreCase = ignoreCase;
    this.constant = constant;
    this.parts = parts;
  }

  /**
   * Compiles {@code text}.
   *
   * @param variables whether {@code ${...}} is a policy variable (Version 2012-10-17)
   * @param wildcards whether {@code *} and {@code ?} are wildcards (Like operators, resources)
   */
  static PolicyTemplate compile(String text, boolean variables, boolean wildcards, boolean ignoreCase) {
    if (!variables || !text.contains("${")) {
      return new PolicyTemplate(text, ignoreCase, constantPattern(text, wildcards, ignoreCase), null);
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int close = text.startsWith("${", i) ? text.indexOf('}', i + 2) : -1;
      if (close < 0) {
        literal.append(text.charAt(i++));
        continue;
      }
      String body = text.substring(i + 2, close).trim();
      i = close + 1;
      if (body.equals("*") || body.equals("?") || body.equals("$")) {
        // The escapes exist to write a literal wildcard or dollar, so they never act as wildcards.
        flush(parts, literal, wildcards, ignoreCase);
        parts.add(new int[] {WildcardPattern.fold(body.charAt(0), ignoreCase)});
        continue;
      }
      flush(parts, literal, wildcards, ignoreCase);
      parts.add(parseVariable(body));
    }
    flush(parts, literal, wildcards, ignoreCase);
    boolean anyVariable = parts.stream().anyMatch(p -> p instanceof Variable);
    if (!anyVariable) {
      return new PolicyTemplate(text, ignoreCase, WildcardPattern.ofCodes(concat(parts), ignoreCase), null);
    }
    return new PolicyTemplate(text, ignoreCase, null, parts.toArray());
  }

  private static Variable parseVariable(String body) {
    int comma = body.indexOf(',');
    if (comma < 0) {
      return new Variable(body.toLowerCase(Locale.ROOT), null);
    }
    String key = body.substring(0, comma).trim();
    String def = body.substring(comma + 1).trim();
    if (def.length() >= 2 && def.startsWith("'") && def.endsWith("'")) {
      def = def.substring(1, def.length() - 1);
    }
    return new Variable(key.toLowerCase(Locale.ROOT), def);
  }

  private static WildcardPattern constantPattern(String text, boolean wildcards, boolean ignoreCase) {
    return wildcards ? WildcardPattern.compile(text, ignoreCase) : WildcardPattern.literal(text, ignoreCase);
  }

  private static void flush(List<Object> parts, StringBuilder literal, boolean wildcards, boolean ignoreCase) {
    if (literal.length() == 0) {
      return;
    }
    String s = literal.toString();
    literal.setLength(0);
    parts.add(codesOf(s, wildcards, ignoreCase));
  }

  private static int[] codesOf(String s, boolean wildcards, boolean ignoreCase) {
    int[] codes = new int[s.length()];
    for (int i = 0; i < codes.length; i++) {
      char c = s.charAt(i);
      codes[i] = wildcards && c == '*' ? WildcardPattern.STAR
          : wildcards && c == '?' ? WildcardPattern.QUESTION : WildcardPattern.fold(c, ignoreCase);
    }
    return codes;
  }

  // Joins literal chunks (no variables left, only ${*}-style escapes) into one code array.
  private static int[] concat(List<Object> parts) {
    int length = 0;
    for (Object part : parts) {
      length += ((int[]) part).length;
    }
    int[] out = new int[length];
    int at = 0;
    for (Object part : parts) {
      int[] codes = (int[]) part;
      System.arraycopy(codes, 0, out, at, codes.length);
      at += codes.length;
    }
    return out;
  }

  /** Whether the value depends on the request (contains a policy variable). */
  boolean hasVariables() {
    return constant == null;
  }

  /**
   * Whether {@code text[from, to)} matches this value for the request; false when a variable has
   * no value and no default. The hot path: substitutes into one int array, builds no pattern.
   */
  boolean matches(RequestContext context, CharSequence text, int from, int to) {
    if (constant != null) {
      return constant.matches(text, from, to);
    }
    int length = 0;
    for (Object part : parts) {
      if (part instanceof Variable v) {
        String value = context.firstLower(v.lowerKey());
        if (value == null) {
          value = v.defaultValue();
        }
        if (value == null) {
          return false;
        }
        length += value.length();
      } else {
        length += ((int[]) part).length;
      }
    }
    int[] codes = new int[length];
    int at = 0;
    for (Object part : parts) {
      if (part instanceof Variable v) {
        String value = context.firstLower(v.lowerKey());
        if (value == null) {
          value = v.defaultValue();
        }
        for (int i = 0; i < value.length(); i++) {
          codes[at++] = WildcardPattern.fold(value.charAt(i), ignoreCase);
        }
      } else {
        int[] literal = (int[]) part;
        System.arraycopy(literal, 0, codes, at, literal.length);
        at += literal.length;
      }
    }
    return WildcardPattern.matchCodes(codes, length, ignoreCase, text, from, to);
  }

  boolean matches(RequestContext context, CharSequence text) {
    return matches(context, text, 0, text.length());
  }

  /** The first unresolvable variable's key, for the decision trace. */
  String missingVariable(RequestContext context) {
    if (parts == null) {
      return null;
    }
    for (Object part : parts) {
      if (part instanceof Variable v && v.defaultValue() == null && context.firstLower(v.lowerKey()) == null) {
        return v.lowerKey();
      }
    }
    return null;
  }

  String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }
}
