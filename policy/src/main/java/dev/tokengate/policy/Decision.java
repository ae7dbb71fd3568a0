package dev.tokengate.policy;

import java.util.List;

/**
 * The result of evaluating a request: the outcome, why, the deciding statements, and (if asked
 * for) a trace for debug logs; {@link #accessDeniedMessage()} renders AWS's AccessDenied text.
 *
 * @param outcome allow, explicit deny or implicit deny
 * @param reason why (for denials, which policy type denied or failed to allow)
 * @param statements the deciding statements: the denying one, or the allows that granted access
 * @param principalArn the caller
 * @param action the evaluated action
 * @param resource the evaluated resource ARN
 * @param trace the evaluation trace, empty unless requested
 */
public record Decision(
    Outcome outcome,
    Reason reason,
    List<StatementRef> statements,
    String principalArn,
    String action,
    String resource,
    String trace) {

  /** The three results of IAM evaluation. */
  public enum Outcome { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

  /** Why the decision came out as it did. */
  public enum Reason {
    ALLOWED(null, false),
    EXPLICIT_DENY_IDENTITY(PolicyType.IDENTITY, true),
    EXPLICIT_DENY_RESOURCE(PolicyType.RESOURCE, true),
    EXPLICIT_DENY_SESSION(PolicyType.SESSION, true),
    EXPLICIT_DENY_BOUNDARY(PolicyType.BOUNDARY, true),
    NO_IDENTITY_ALLOW(PolicyType.IDENTITY, false),
    NO_SESSION_ALLOW(PolicyType.SESSION, false),
    NO_BOUNDARY_ALLOW(PolicyType.BOUNDARY, false);

    private final PolicyType policyType;
    private final boolean explicit;

    Reason(PolicyType policyType, boolean explicit) {
      this.policyType = policyType;
      this.explicit = explicit;
    }

    /** The policy type that denied (or did not allow); null for ALLOWED. */
    public PolicyType policyType() {
      return policyType;
    }

    static Reason explicitDenyIn(PolicyType type) {
      return switch (type) {
        case IDENTITY -> EXPLICIT_DENY_IDENTITY;
        case RESOURCE -> EXPLICIT_DENY_RESOURCE;
        case SESSION -> EXPLICIT_DENY_SESSION;
        case BOUNDARY -> EXPLICIT_DENY_BOUNDARY;
      };
    }

    /** The tail of the AccessDenied message, e.g. {@code with an explicit deny in a session policy}. */
    public String phrase(String action) {
      if (this == ALLOWED) {
        return "allowed";
      }
      if (explicit) {
        return "with an explicit deny in " + policyType.withArticle();
      }
      return "because no " + policyType.label() + " allows the " + action + " action";
    }
  }

  public Decision {
    statements = List.copyOf(statements);
    trace = trace == null ? "" : trace;
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  /** What AWS tells an unauthenticated caller, who learns nothing about the policies. */
  public static final String BARE_ACCESS_DENIED = "Access Denied";

  /**
   * The AccessDenied message for the caller: AWS's explained text, e.g. {@code User:
   * arn:aws:sts::123456789012:assumed-role/R/s is not authorized to perform: s3:PutObject on
   * resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:PutObject action},
   * and the bare {@code Access Denied} for an anonymous caller, as S3 answers outsiders.
   *
   * @throws IllegalStateException when the decision is an allow
   */
  public String accessDeniedMessage() {
    return anonymous() ? deniedOrThrow(BARE_ACCESS_DENIED) : explainedMessage();
  }

  /** The explained text whoever the caller is: for logs, never for an anonymous caller's eyes. */
  public String explainedMessage() {
    return deniedOrThrow("User: " + principalArn + " is not authorized to perform: " + action + " on resource: \""
        + resource + "\" " + reason.phrase(action));
  }

  /** Whether the caller was unauthenticated (its explanation must not reach the wire). */
  public boolean anonymous() {
    return Principal.ANONYMOUS_ARN.equals(principalArn);
  }

  private String deniedOrThrow(String message) {
    if (allowed()) {
      throw new IllegalStateException("an allowed decision has no AccessDenied message");
    }
    return message;
  }

  /** One line for logs: outcome, reason and deciding statements. */
  public String summary() {
    return outcome + " (" + reason.phrase(action) + ")" + (statements.isEmpty() ? "" : " by " + statements);
  }
}
