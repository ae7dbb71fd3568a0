package dev.tokengate.proxy.sts;

import dev.tokengate.policy.Policy;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.identity.FederationProviders.SamlProvider;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.sts.saml.SamlRejection;
import dev.tokengate.proxy.sts.saml.SamlResponseVerifier;
import dev.tokengate.proxy.sts.saml.VerifiedAssertion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AssumeRoleWithSAML, an unsigned call: the SAML response is the credential. Once it verifies
 * ({@link SamlResponseVerifier}) the session is an ordinary role session of the role, named by the
 * assertion's RoleSessionName, so S3 authorization, revocation and GetCallerIdentity treat it as
 * any other. The role must be paired with the provider in the assertion's Role attribute, and the
 * role's trust policy must allow {@code sts:AssumeRoleWithSAML} for {@code {"Federated":
 * provider}} (plus {@code sts:TagSession} for PrincipalTag attributes and {@code
 * sts:SetSourceIdentity} for a SourceIdentity), with the {@code saml:*} keys in the context.
 */
final class AssumeRoleWithSamlAction {
  static final String ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/";
  private static final String NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithSAML";

  private final IdentityStore identities;
  private final FederationProviders providers;
  private final StsPermissions permissions;
  private final CredentialIssuer issuer;
  private final SamlResponseVerifier verifier;
  private final Clock clock;

  AssumeRoleWithSamlAction(IdentityStore identities, FederationProviders providers, StsPermissions permissions,
      CredentialIssuer issuer, Clock clock) {
    this.identities = identities;
    this.providers = providers;
    this.permissions = permissions;
    this.issuer = issuer;
    this.verifier = new SamlResponseVerifier(clock);
    this.clock = clock;
  }

  Map<String, Object> handle(StsRequest request, CallFacts facts) throws StsException {
    StsValidation v = new StsValidation();
    String roleArn = v.required(request, "RoleArn", 20, 2048, null);
    String providerArn = v.required(request, "PrincipalArn", 20, 2048, null);
    String encoded = assertionParam(request, v);
    int requested = v.integer(request, "DurationSeconds", 900, 43200, 3600);
    SessionPolicyParams policies = SessionPolicyParams.parse(policyParams(request, Map.of()), v, false);
    v.check();
    policies.check(permissions.resolver());

    SamlProvider provider = providers == null ? null : providers.findSamlByArn(providerArn).orElse(null);
    if (provider == null) {
      throw new StsException(StsError.INVALID_IDENTITY_TOKEN, "Specified provider doesn't exist.");
    }
    VerifiedAssertion assertion;
    try {
      assertion = verifier.verify(encoded, provider.entityId(), provider.signingCertificates());
    } catch (SamlRejection e) {
      throw new StsException(code(e.reason()), e.getMessage());
    }
    SamlSessionAttributes attributes = SamlSessionAttributes.read(assertion);
    if (!attributes.pairs(roleArn, providerArn)) {
      throw new StsException(StsError.ACCESS_DENIED, NOT_AUTHORIZED);
    }
    // Tags come from the IdP: a bad one is the assertion's fault, not the caller's parameters'.
    StsValidation tagRules = new StsValidation();
    SessionPolicyParams narrowing =
        SessionPolicyParams.parse(policyParams(request, attributes.tagParams()), tagRules, true);
    try {
      tagRules.check();
      narrowing.check(permissions.resolver());
    } catch (StsException e) {
      throw e.error() == StsError.VALIDATION_ERROR || e.error() == StsError.INVALID_PARAMETER_VALUE
          ? new StsException(StsError.INVALID_IDENTITY_TOKEN, e.getMessage()) : e;
    }

    Role role = identities.findRoleByArn(roleArn).orElse(null);
    Policy trust = role == null ? null : permissions.resolver().store().trustPolicy(role.name()).orElse(null);
    if (role == null || trust == null) {
      throw new StsException(StsError.ACCESS_DENIED, NOT_AUTHORIZED);
    }
    String nameQualifier = nameQualifier(assertion.issuer(), identities.accountId(), provider.name());
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("saml:sub", List.of(assertion.nameId()));
    keys.put("saml:sub_type", List.of(assertion.subjectType()));
    keys.put("saml:aud", List.of(assertion.recipient()));
    keys.put("saml:iss", List.of(assertion.issuer()));
    keys.put("saml:namequalifier", List.of(nameQualifier));
    keys.put("saml:doc", List.of(identities.accountId() + "/" + provider.name()));
    keys.put("aws:FederatedProvider", List.of(providerArn));
    keys.put("sts:RoleSessionName", List.of(attributes.sessionName()));
    if (attributes.sourceIdentity() != null) {
      keys.put("sts:SourceIdentity", List.of(attributes.sourceIdentity()));
    }
    if (!narrowing.tags().isEmpty()) {
      narrowing.tags().forEach((k, val) -> keys.put("aws:RequestTag/" + k, List.of(val)));
      keys.put("aws:TagKeys", List.copyOf(narrowing.tags().keySet()));
    }
    if (!narrowing.transitiveTagKeys().isEmpty()) {
      keys.put("sts:TransitiveTagKeys", List.copyOf(narrowing.transitiveTagKeys()));
    }
    Caller idp = new Caller(Principal.saml(providerArn, assertion.nameId()), null, null, null);
    try {
      permissions.requireTrusted(idp, facts, trust, "sts:AssumeRoleWithSAML", role.arn(), keys);
      if (narrowing.tagsSession()) {
        permissions.requireTrusted(idp, facts, trust, "sts:TagSession", role.arn(), keys);
      }
      if (attributes.sourceIdentity() != null) {
        permissions.requireTrusted(idp, facts, trust, "sts:SetSourceIdentity", role.arn(), keys);
      }
    } catch (StsException denied) {
      throw new StsException(StsError.ACCESS_DENIED, NOT_AUTHORIZED); // AWS names neither side
    }
    if (requested > role.maxSessionDurationSeconds()) {
      throw new StsException(
          StsError.VALIDATION_ERROR, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    Instant now = clock.instant();
    int duration = duration(requested, attributes.sessionDuration(), assertion.sessionNotOnOrAfter(), now);
    String sessionName = attributes.sessionName();
    CredentialIssuer.Issued issued = issuer.issue(
        new SessionFacts("AssumeRoleWithSAML", PrincipalType.ASSUMED_ROLE, identities.accountId(), role.name(),
            sessionName, narrowing.policy(), narrowing.policyArns(), narrowing.tags(), narrowing.transitiveTagKeys(),
            attributes.sourceIdentity(), null, false, null),
        now, duration);
    Map<String, Object> assumedRoleUser = new LinkedHashMap<>();
    assumedRoleUser.put("Arn", "arn:aws:sts::" + identities.accountId() + ":assumed-role/" + role.name() + "/" + sessionName);
    assumedRoleUser.put("AssumedRoleId", role.roleId() + ":" + sessionName);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Credentials", issued.credentials());
    result.put("AssumedRoleUser", assumedRoleUser);
    result.put("PackedPolicySize", Integer.toString(narrowing.packedPercent()));
    result.put("Subject", assertion.nameId());
    result.put("SubjectType", assertion.subjectType());
    result.put("Issuer", assertion.issuer());
    result.put("Audience", assertion.recipient());
    result.put("NameQualifier", nameQualifier);
    result.put("SourceIdentity", attributes.sourceIdentity());
    return result;
  }

  /** Checked like the other parameters, but never quoted back: it is a credential. */
  private static String assertionParam(StsRequest request, StsValidation v) {
    String encoded = request.get("SAMLAssertion");
    if (encoded == null) {
      v.add("Value null at 'sAMLAssertion' failed to satisfy constraint: Member must not be null");
    } else if (encoded.length() < 4 || encoded.length() > 100000) {
      v.add("Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length between 4 and 100000");
    }
    return encoded;
  }

  /** The caller's Policy and PolicyArns, with the assertion's tags in AssumeRole's parameter form. */
  private static StsRequest policyParams(StsRequest request, Map<String, String> tagParams) {
    Map<String, String> params = new LinkedHashMap<>();
    request.params().forEach((k, val) -> {
      if (k.equals("Policy") || k.startsWith("PolicyArns.")) {
        params.put(k, val);
      }
    });
    params.putAll(tagParams);
    return new StsRequest(request.action(), request.version(), params);
  }

  /**
   * The shortest of: what was asked (or the default hour), the SessionDuration attribute, and the
   * time left until SessionNotOnOrAfter.
   */
  static int duration(int requested, Integer sessionDuration, Instant sessionNotOnOrAfter, Instant now) {
    long seconds = requested;
    if (sessionDuration != null) {
      seconds = Math.min(seconds, sessionDuration);
    }
    if (sessionNotOnOrAfter != null) {
      seconds = Math.min(seconds, Math.max(1, Duration.between(now, sessionNotOnOrAfter).getSeconds()));
    }
    return (int) seconds;
  }

  /** {@code base64(sha1(issuer + accountId + "/" + providerName))}, as AWS computes NameQualifier. */
  static String nameQualifier(String issuer, String accountId, String providerName) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest((issuer + accountId + "/" + providerName).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  private static StsError code(SamlRejection.Reason reason) {
    return switch (reason) {
      case EXPIRED -> StsError.EXPIRED_TOKEN_EXCEPTION;
      case NOT_AUTHENTICATED -> StsError.IDP_REJECTED_CLAIM;
      case MALFORMED, BAD_SIGNATURE, WRONG_ISSUER, NOT_YET_VALID, WRONG_AUDIENCE, WRONG_RECIPIENT, BAD_ATTRIBUTE ->
          StsError.INVALID_IDENTITY_TOKEN;
    };
  }
}
