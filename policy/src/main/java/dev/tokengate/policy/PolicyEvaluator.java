package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a request is allowed by a {@link PolicySet}, following AWS's same-account
 * evaluation logic.
 *
 * <ol>
 *   <li>An explicit Deny in any policy (identity, resource, session, boundary) wins.
 *   <li>An Allow in a resource policy that names the caller's own ARN (IAM user, role session ARN,
 *       federated-user ARN) allows, whatever the identity, session and boundary policies say.
 *   <li>Otherwise an identity Allow, or a resource Allow naming the caller's role or {@code *}, is
 *       needed ("no identity-based policy allows"); the permissions boundary and every session
 *       policy must then also allow (intersection).
 * </ol>
 *
 * <p>A resource policy naming only the caller's account delegates to identity policies, as AWS
 * does: its Allow grants nothing alone, but when an identity policy allows too it is reported
 * among the deciding statements (a role trust policy naming {@code arn:aws:iam::ACCT:root} plus
 * an identity policy allowing {@code sts:AssumeRole} is how same-account AssumeRole is granted).
 * The evaluator is stateless and thread-safe; with the per-action statement index and pre-compiled
 * matchers it does not allocate beyond the returned {@link Decision}.
 */
public final class PolicyEvaluator {

  private PolicyEvaluator() {}

  /** Evaluates without a trace (the hot path). */
  public static Decision evaluate(PolicySet policies, RequestContext context) {
    return evaluate(policies, context, false);
  }

  /** Evaluates; with {@code trace} the decision's {@link Decision#trace()} explains each step. */
  public static Decision evaluate(PolicySet policies, RequestContext context, boolean trace) {
    return new Run(context, trace ? new DecisionTrace() : null).decide(policies);
  }

  /** State of one evaluation: the first deny and the allows found per policy type. */
  private static final class Run {
    private final RequestContext context;
    private final DecisionTrace trace;
    private StatementRef deny;
    private StatementRef identityAllow;
    private StatementRef directResourceAllow;
    private StatementRef resourceAllow;
    private StatementRef accountAllow;
    private StatementRef boundaryAllow;
    private StatementRef sessionAllow;

    Run(RequestContext context, DecisionTrace trace) {
      this.context = context;
      this.trace = trace;
    }

    Decision decide(PolicySet set) {
      for (Policy p : set.identity()) {
        identityAllow = scan(p, identityAllow);
      }
      for (Policy p : set.resource()) {
        scanResource(p);
      }
      for (Policy p : set.session()) {
        sessionAllow = scan(p, sessionAllow);
      }
      if (set.boundary() != null) {
        boundaryAllow = scan(set.boundary(), boundaryAllow);
      }
      if (deny != null) {
        return decision(Decision.Outcome.EXPLICIT_DENY, Decision.Reason.explicitDenyIn(deny.policyType()),
            List.of(deny));
      }
      if (directResourceAllow != null) {
        note("allowed by a resource-based policy naming the caller itself");
        return decision(Decision.Outcome.ALLOW, Decision.Reason.ALLOWED, List.of(directResourceAllow));
      }
      if (identityAllow == null && resourceAllow == null) {
        return decision(Decision.Outcome.IMPLICIT_DENY, Decision.Reason.NO_IDENTITY_ALLOW, List.of());
      }
      if (set.boundary() != null && boundaryAllow == null) {
        return decision(Decision.Outcome.IMPLICIT_DENY, Decision.Reason.NO_BOUNDARY_ALLOW, List.of());
      }
      if (!set.session().isEmpty() && sessionAllow == null) {
        return decision(Decision.Outcome.IMPLICIT_DENY, Decision.Reason.NO_SESSION_ALLOW, List.of());
      }
      List<StatementRef> allows = new ArrayList<>(4);
      add(allows, identityAllow);
      add(allows, resourceAllow);
      if (resourceAllow == null && identityAllow != null) {
        add(allows, accountAllow);
      }
      add(allows, boundaryAllow);
      add(allows, sessionAllow);
      return decision(Decision.Outcome.ALLOW, Decision.Reason.ALLOWED, allows);
    }

    /** Scans one non-resource policy: records a deny, returns the (first) allow so far. */
    private StatementRef scan(Policy policy, StatementRef allowSoFar) {
      Statement[] candidates = policy.statementsFor(context.actionLower());
      if (trace != null) {
        trace.policy(policy, candidates.length);
      }
      StatementRef allow = allowSoFar;
      for (Statement s : candidates) {
        if (s.effect() == Effect.ALLOW && allow != null && trace == null) {
          continue; // one allow per policy type is enough; denies must still be looked at
        }
        if (!s.appliesTo(context, trace)) {
          trace(s, "does not apply");
          continue;
        }
        trace(s, "applies");
        if (s.effect() == Effect.DENY) {
          if (deny == null) {
            deny = policy.ref(s);
          }
        } else if (allow == null) {
          allow = policy.ref(s);
        }
      }
      return allow;
    }

    private void scanResource(Policy policy) {
      Statement[] candidates = policy.statementsFor(context.actionLower());
      if (trace != null) {
        trace.policy(policy, candidates.length);
      }
      for (Statement s : candidates) {
        PrincipalMatcher.Match match = s.principalMatch(context.principal());
        if (match == PrincipalMatcher.Match.NONE) {
          trace(s, "principal " + s.principal() + " does not name " + context.principal().arn());
          continue;
        }
        if (!s.appliesTo(context, trace)) {
          trace(s, "does not apply");
          continue;
        }
        if (s.effect() == Effect.ALLOW && match == PrincipalMatcher.Match.ACCOUNT) {
          trace(s, "names only the account: delegates to identity-based policies");
          if (accountAllow == null) {
            accountAllow = policy.ref(s);
          }
          continue;
        }
        trace(s, "applies (principal match " + match + ")");
        StatementRef ref = policy.ref(s);
        if (s.effect() == Effect.DENY) {
          if (deny == null) {
            deny = ref;
          }
        } else if (match == PrincipalMatcher.Match.DIRECT) {
          if (directResourceAllow == null) {
            directResourceAllow = ref;
          }
        } else if (resourceAllow == null) {
          resourceAllow = ref;
        }
      }
    }

    private void trace(Statement s, String outcome) {
      if (trace != null) {
        trace.statement(s, outcome);
      }
    }

    private void note(String line) {
      if (trace != null) {
        trace.note(line);
      }
    }

    private static void add(List<StatementRef> list, StatementRef ref) {
      if (ref != null) {
        list.add(ref);
      }
    }

    private Decision decision(Decision.Outcome outcome, Decision.Reason reason, List<StatementRef> refs) {
      String text = "";
      if (trace != null) {
        trace.note("decision: " + outcome + " (" + reason.phrase(context.action()) + ")");
        text = trace.toString();
      }
      return new Decision(outcome, reason, refs, context.principal().arn(), context.action(),
          context.resource(), text);
    }
  }
}
