package dev.tokengate.policy;

/**
 * Matches text against an IAM glob ({@code *} any run, {@code ?} one character), compiled once so
 * that evaluation needs no regex and no allocation.
 *
 * <p>The pattern is an array of code points where {@link #STAR} and {@link #QUESTION} stand for the
 * wildcards; every other value is a literal character. Characters that came from a substituted
 * policy variable (or {@code ${*}}) are stored as literals, which is why the pattern is not a
 * String.
 */
public final class WildcardPattern {
  static final int STAR = -1;
  static final int QUESTION = -2;

  private enum Kind { ANY, EXACT, PREFIX, GENERAL }

  private final int[] codes;
  private final boolean ignoreCase;
  private final Kind kind;
  private final String literal;

  private WildcardPattern(int[] codes, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.codes = codes;
    int wildcards = 0;
    boolean onlyTrailingStar = codes.length > 0 && codes[codes.length - 1] == STAR;
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] < 0) {
        wildcards++;
        if (i != codes.length - 1) {
          onlyTrailingStar = false;
        }
      }
    }
    if (codes.length == 1 && codes[0] == STAR) {
      kind = Kind.ANY;
      literal = "";
    } else if (wildcards == 0) {
      kind = Kind.EXACT;
      literal = literalOf(codes, codes.length);
    } else if (wildcards == 1 && onlyTrailingStar) {
      kind = Kind.PREFIX;
      literal = literalOf(codes, codes.length - 1);
    } else {
      kind = Kind.GENERAL;
      literal = "";
    }
  }

  /** Compiles {@code pattern} where every {@code *} and {@code ?} is a wildcard. */
  public static WildcardPattern compile(String pattern, boolean ignoreCase) {
    int[] codes = new int[pattern.length()];
    for (int i = 0; i < codes.length; i++) {
      char c = pattern.charAt(i);
      codes[i] = c == '*' ? STAR : c == '?' ? QUESTION : fold(c, ignoreCase);
    }
    return new WildcardPattern(codes, ignoreCase);
  }

  /** Compiles a pattern that matches {@code text} exactly (no wildcards). */
  public static WildcardPattern literal(String text, boolean ignoreCase) {
    int[] codes = new int[text.length()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = fold(text.charAt(i), ignoreCase);
    }
    return new WildcardPattern(codes, ignoreCase);
  }

  /** Builds a pattern from pre-made codes (used by variable substitution). */
  static WildcardPattern ofCodes(int[] codes, boolean ignoreCase) {
    if (ignoreCase) {
      for (int i = 0; i < codes.length; i++) {
        codes[i] = codes[i] < 0 ? codes[i] : fold((char) codes[i], true);
      }
    }
    return new WildcardPattern(codes, ignoreCase);
  }

  /** Whether the pattern is exactly one {@code *}. */
  public boolean matchesEverything() {
    return kind == Kind.ANY;
  }

  /** Whether the pattern contains no wildcard. */
  public boolean isLiteral() {
    return kind == Kind.EXACT;
  }

  public boolean matches(CharSequence text) {
    return matches(text, 0, text.length());
  }

  /** Matches the region {@code [from, to)} of {@code text}. */
  public boolean matches(CharSequence text, int from, int to) {
    switch (kind) {
      case ANY:
        return true;
      case EXACT:
        return to - from == literal.length() && regionEquals(text, from, literal.length());
      case PREFIX:
        return to - from >= literal.length() && regionEquals(text, from, literal.length());
      default:
        return matchCodes(codes, codes.length, ignoreCase, text, from, to);
    }
  }

  private boolean regionEquals(CharSequence text, int from, int length) {
    for (int i = 0; i < length; i++) {
      if (fold(text.charAt(from + i), ignoreCase) != literal.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Matches {@code text[from, to)} against the first {@code length} codes without building a
   * pattern object; used for patterns assembled per request from policy variables. Greedy, with
   * backtracking to the last star: linear for the patterns IAM users write.
   */
  static boolean matchCodes(int[] codes, int length, boolean ignoreCase, CharSequence text, int from, int to) {
    int p = 0;
    int t = from;
    int starP = -1;
    int starT = -1;
    while (t < to) {
      if (p < length && codes[p] == STAR) {
        starP = p++;
        starT = t;
      } else if (p < length
          && (codes[p] == QUESTION || codes[p] == fold(text.charAt(t), ignoreCase))) {
        p++;
        t++;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < length && codes[p] == STAR) {
      p++;
    }
    return p == length;
  }

  private static String literalOf(int[] codes, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) codes[i]);
    }
    return sb.toString();
  }

  static int fold(char c, boolean ignoreCase) {
    if (!ignoreCase) {
      return c;
    }
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(codes.length);
    for (int code : codes) {
      sb.append(code == STAR ? '*' : code == QUESTION ? '?' : (char) code);
    }
    return sb.toString();
  }
}
