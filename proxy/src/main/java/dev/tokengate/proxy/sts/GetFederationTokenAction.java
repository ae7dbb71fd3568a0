package dev.tokengate.proxy.sts;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GetFederationToken: a federated-user session for an IAM user's long-term keys (Name 2–32,
 * DurationSeconds 900–129600, default 43200). Its permissions are the user's intersected with the
 * federation policies; with no policy the session may do nothing, as in AWS. Session tags need
 * {@code sts:TagSession} in the user's policies ("Passing session tags in AWS STS"); they cannot be
 * transitive, since the session cannot assume a role.
 */
final class GetFederationTokenAction {
  private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]*");

  private final StsPermissions permissions;
  private final CredentialIssuer issuer;
  private final Clock clock;

  GetFederationTokenAction(StsPermissions permissions, CredentialIssuer issuer, Clock clock) {
    this.permissions = permissions;
    this.issuer = issuer;
    this.clock = clock;
  }

  Map<String, Object> handle(StsRequest request, Caller caller, CallFacts facts) throws StsException {
    StsValidation v = new StsValidation();
    String name = v.required(request, "Name", 2, 32, NAME);
    int duration = v.integer(request, "DurationSeconds", 900, 129600, 43200);
    SessionPolicyParams narrowing = SessionPolicyParams.parse(request, v, false);
    v.check();
    narrowing.check(permissions.resolver());
    String account = caller.principal().accountId();
    String arn = "arn:aws:sts::" + account + ":federated-user/" + name;
    permissions.require(caller, facts, "sts:GetFederationToken", arn, Map.of());
    if (narrowing.tagsSession()) {
      Map<String, List<String>> tagKeys = new LinkedHashMap<>();
      narrowing.tags().forEach((k, val) -> tagKeys.put("aws:RequestTag/" + k, List.of(val)));
      tagKeys.put("aws:TagKeys", List.copyOf(narrowing.tags().keySet()));
      permissions.require(caller, facts, "sts:TagSession", arn, tagKeys);
    }
    CredentialIssuer.Issued issued =
        issuer.issue(
            new SessionFacts(
                "GetFederationToken", PrincipalType.FEDERATED_USER, account, caller.user().name(), name,
                narrowing.policy(), narrowing.policyArns(), narrowing.tags(), List.of(), null,
                null, false, caller.longTermKeyId()),
            clock.instant(),
            duration);
    Map<String, Object> federatedUser = new LinkedHashMap<>();
    federatedUser.put("FederatedUserId", account + ":" + name);
    federatedUser.put("Arn", arn);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Credentials", issued.credentials());
    result.put("FederatedUser", federatedUser);
    result.put("PackedPolicySize", Integer.toString(narrowing.packedPercent()));
    return result;
  }
}
