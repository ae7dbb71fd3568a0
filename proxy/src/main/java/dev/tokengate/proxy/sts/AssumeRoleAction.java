package dev.tokengate.proxy.sts;

import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.Session;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AssumeRole: a role session for a user or another role session (chaining, capped at one hour).
 * The role's trust policy must allow the caller and the caller's policies must allow {@code
 * sts:AssumeRole} on the role; passing session tags (or marking tags transitive) needs {@code
 * sts:TagSession} the same two ways, and a source identity {@code sts:SetSourceIdentity} ("Passing
 * session tags in AWS STS"; "Monitor and control actions taken with assumed roles": when chaining,
 * "permissions for sts:SetSourceIdentity are required in both the permissions policy of the
 * principal who is assuming the role and in the role trust policy of the target role"). Transitive
 * session tags and the source identity carry over from a chained caller's session, and cannot be
 * changed by it. Carrying inherited transitive tags alone needs no sts:TagSession: the documents
 * name the permission for passing tags, and an inherited tag was checked when it was passed.
 */
final class AssumeRoleAction {
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
  private static final int CHAINED_MAX_SECONDS = 3600;

  private final IdentityStore identities;
  private final StsPermissions permissions;
  private final CredentialIssuer issuer;
  private final MfaVerifier mfa;
  private final MfaCodeLedger ledger;
  private final Clock clock;

  AssumeRoleAction(
      IdentityStore identities, StsPermissions permissions, CredentialIssuer issuer, MfaVerifier mfa,
      MfaCodeLedger ledger, Clock clock) {
    this.identities = identities;
    this.permissions = permissions;
    this.issuer = issuer;
    this.mfa = mfa;
    this.ledger = ledger;
    this.clock = clock;
  }

  Map<String, Object> handle(StsRequest request, Caller caller, CallFacts facts) throws StsException {
    StsValidation v = new StsValidation();
    String roleArn = v.required(request, "RoleArn", 20, 2048, null);
    String sessionName = v.required(request, "RoleSessionName", 2, 64, SESSION_NAME);
    int duration = v.integer(request, "DurationSeconds", 900, 43200, 3600);
    String externalId = v.string(request, "ExternalId", 2, 1224, EXTERNAL_ID);
    String sourceIdentity = v.string(request, "SourceIdentity", 2, 64, SESSION_NAME);
    SessionPolicyParams narrowing = SessionPolicyParams.parse(request, v, true);
    Instant now = clock.instant();
    Instant mfaAt = MfaParams.check(request, v, caller.user(), mfa, ledger, now);
    v.check();
    narrowing.check(permissions.resolver());

    Session callerSession = caller.session();
    boolean chained = callerSession != null && callerSession.principalType() == PrincipalType.ASSUMED_ROLE;
    if (chained && duration > CHAINED_MAX_SECONDS) {
      throw new StsException(
          StsError.VALIDATION_ERROR,
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
    }
    if (sourceIdentity != null && callerSession != null && callerSession.sourceIdentity() != null
        && !sourceIdentity.equals(callerSession.sourceIdentity())) {
      throw new StsException(StsError.ACCESS_DENIED, "The source identity of a session cannot be changed.");
    }
    Role role = identities.findRoleByArn(roleArn).orElse(null);
    Policy trust = role == null ? null : permissions.resolver().store().trustPolicy(role.name()).orElse(null);
    if (role == null || trust == null) {
      throw new StsException(
          StsError.ACCESS_DENIED,
          "User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    List<String> transitive = new ArrayList<>(narrowing.transitiveTagKeys());
    if (callerSession != null) {
      for (String key : callerSession.transitiveTagKeys()) {
        String value = callerSession.tags().get(key);
        if (value != null) {
          tags.put(key, value);
          transitive.add(key);
        }
      }
    }
    for (Map.Entry<String, String> t : narrowing.tags().entrySet()) {
      if (tags.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(t.getKey()))) {
        throw new StsException(
            StsError.INVALID_PARAMETER_VALUE, "One or more transitive tag keys cannot be overridden: " + t.getKey());
      }
      tags.put(t.getKey(), t.getValue());
    }
    String effectiveSource = sourceIdentity != null ? sourceIdentity : callerSession == null ? null : callerSession.sourceIdentity();
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("sts:RoleSessionName", List.of(sessionName));
    if (!narrowing.transitiveTagKeys().isEmpty()) {
      keys.put("sts:TransitiveTagKeys", List.copyOf(narrowing.transitiveTagKeys()));
    }
    if (externalId != null) {
      keys.put("sts:ExternalId", List.of(externalId));
    }
    if (effectiveSource != null) {
      keys.put("sts:SourceIdentity", List.of(effectiveSource));
    }
    if (!narrowing.tags().isEmpty()) {
      narrowing.tags().forEach((k, val) -> keys.put("aws:RequestTag/" + k, List.of(val)));
      keys.put("aws:TagKeys", List.copyOf(narrowing.tags().keySet()));
    }
    if (mfaAt != null || (callerSession != null && callerSession.mfaAuthenticatedAt() != null)) {
      keys.put("aws:MultiFactorAuthPresent", List.of("true"));
    }
    permissions.requireTrusted(caller, facts, trust, "sts:AssumeRole", role.arn(), keys);
    if (narrowing.tagsSession()) {
      permissions.requireTrusted(caller, facts, trust, "sts:TagSession", role.arn(), keys);
    }
    if (effectiveSource != null) {
      permissions.requireTrusted(caller, facts, trust, "sts:SetSourceIdentity", role.arn(), keys);
    }
    if (duration > role.maxSessionDurationSeconds()) {
      throw new StsException(
          StsError.VALIDATION_ERROR, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    CredentialIssuer.Issued issued =
        issuer.issue(
            new SessionFacts(
                "AssumeRole", PrincipalType.ASSUMED_ROLE, identities.accountId(), role.name(), sessionName,
                narrowing.policy(), narrowing.policyArns(), tags, transitive, effectiveSource,
                mfaAt != null ? mfaAt : callerSession == null ? null : callerSession.mfaAuthenticatedAt(), chained, null),
            now,
            duration);
    Map<String, Object> assumedRoleUser = new LinkedHashMap<>();
    assumedRoleUser.put("Arn", "arn:aws:sts::" + identities.accountId() + ":assumed-role/" + role.name() + "/" + sessionName);
    assumedRoleUser.put("AssumedRoleId", role.roleId() + ":" + sessionName);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("SourceIdentity", effectiveSource);
    result.put("Credentials", issued.credentials());
    result.put("AssumedRoleUser", assumedRoleUser);
    result.put("PackedPolicySize", Integer.toString(narrowing.packedPercent()));
    return result;
  }
}
