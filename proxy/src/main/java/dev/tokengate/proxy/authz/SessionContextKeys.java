package dev.tokengate.proxy.authz;

import dev.tokengate.policy.RequestContext;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.Session;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The condition keys a session carries: {@code aws:TokenIssueTime}, {@code
 * aws:MultiFactorAuthPresent}/{@code Age}, {@code aws:PrincipalTag/*} from session tags (they
 * override the user's own tags, as in AWS) and {@code aws:SourceIdentity}. Long-term credentials
 * carry none of them: the keys are absent, which IAM's {@code …IfExists} and {@code Null} operators
 * rely on.
 */
public final class SessionContextKeys {
  private SessionContextKeys() {}

  public static void add(RequestContext c, Caller caller, Instant now) {
    Session s = caller.session();
    if (s == null) {
      return;
    }
    c.put("aws:TokenIssueTime", DateTimeFormatter.ISO_INSTANT.format(s.issuedAt()));
    Instant mfa = s.mfaAuthenticatedAt();
    c.put("aws:MultiFactorAuthPresent", Boolean.toString(mfa != null));
    if (mfa != null) {
      c.put("aws:MultiFactorAuthAge", Long.toString(Math.max(0, now.getEpochSecond() - mfa.getEpochSecond())));
    }
    s.tags().forEach((k, v) -> c.put("aws:PrincipalTag/" + k, v));
    if (s.sourceIdentity() != null) {
      c.put("aws:SourceIdentity", s.sourceIdentity());
    }
  }
}
