package dev.tokengate.proxy.sts;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GetSessionToken: temporary credentials for an IAM user (DurationSeconds 900–129600, default 43200),
 * with the user's own permissions and tags (read from the user at each request, not copied into
 * the token); optionally MFA-authenticated.
 */
final class GetSessionTokenAction {
  private final CredentialIssuer issuer;
  private final MfaVerifier mfa;
  private final MfaCodeLedger ledger;
  private final Clock clock;

  GetSessionTokenAction(CredentialIssuer issuer, MfaVerifier mfa, MfaCodeLedger ledger, Clock clock) {
    this.issuer = issuer;
    this.mfa = mfa;
    this.ledger = ledger;
    this.clock = clock;
  }

  Map<String, Object> handle(StsRequest request, Caller caller) throws StsException {
    StsValidation v = new StsValidation();
    int duration = v.integer(request, "DurationSeconds", 900, 129600, 43200);
    Instant now = clock.instant();
    Instant mfaAt = MfaParams.check(request, v, caller.user(), mfa, ledger, now);
    CredentialIssuer.Issued issued =
        issuer.issue(
            new SessionFacts(
                "GetSessionToken", PrincipalType.USER, caller.principal().accountId(), caller.user().name(), null,
                null, List.of(), Map.of(), List.of(), null, mfaAt, false, caller.longTermKeyId()),
            now,
            duration);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Credentials", issued.credentials());
    return result;
  }
}
