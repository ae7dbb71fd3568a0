package dev.tokengate.policy;

/** The Effect of a statement; AWS accepts exactly {@code Allow} and {@code Deny} (case-sensitive). */
public enum Effect {
  ALLOW,
  DENY;

  static Effect parse(String text) {
    if ("Allow".equals(text)) {
      return ALLOW;
    }
    if ("Deny".equals(text)) {
      return DENY;
    }
    throw new MalformedPolicyException("Invalid effect: " + text);
  }
}
