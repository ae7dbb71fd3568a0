package dev.tokengate.proxy.sts;

import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyDialect;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.identity.FederationProviders.OidcProvider;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.webidentity.IdTokenVerifier;
import dev.tokengate.proxy.webidentity.TokenRejected;
import dev.tokengate.proxy.webidentity.TrustedIssuer;
import dev.tokengate.proxy.webidentity.VerifiedIdToken;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * AssumeRoleWithWebIdentity: an unsigned call trading an OIDC ID token of a provider created
 * through IAM for an ordinary role session ({@code arn:aws:sts::ACCT:assumed-role/ROLE/SESSION}).
 * The role's trust policy must allow {@code sts:AssumeRoleWithWebIdentity} to {@code {"Federated":
 * PROVIDER_ARN}}, seeing the claims as {@code HOST/PATH:sub}, {@code :aud} (the audience that
 * matched), {@code :azp}, {@code :amr}, plus {@code :app_id} (Ceph RGW's name for the audience),
 * {@code aws:FederatedProvider} and the session tags of the {@code https://aws.amazon.com/tags}
 * claim (which, as on AWS, need {@code sts:TagSession} too).
 *
 * <p>Verification may fetch the issuer's keys; the result then completes on the fetching
 * executor, never blocking the event loop (see {@link dev.tokengate.proxy.webidentity.IssuerKeys}).
 * The session lasts DurationSeconds whatever the token's {@code exp}, as on AWS.
 */
final class AssumeRoleWithWebIdentityAction {
  static final String ACTION = "AssumeRoleWithWebIdentity";
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");
  private static final String DENIED = "Not authorized to perform sts:AssumeRoleWithWebIdentity";

  private final IdentityStore identities;
  private final FederationProviders providers;
  private final IdTokenVerifier verifier;
  private final StsPermissions permissions;
  private final CredentialIssuer issuer;
  private final Clock clock;

  AssumeRoleWithWebIdentityAction(IdentityStore identities, FederationProviders providers, IdTokenVerifier verifier,
      StsPermissions permissions, CredentialIssuer issuer, Clock clock) {
    this.identities = identities;
    this.providers = providers;
    this.verifier = verifier;
    this.permissions = permissions;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** Completes with the result, or exceptionally with an {@link StsException}. */
  CompletableFuture<Map<String, Object>> handle(StsRequest request, CallFacts facts) {
    try {
      StsValidation v = new StsValidation();
      String roleArn = v.required(request, "RoleArn", 20, 2048, null);
      String sessionName = v.required(request, "RoleSessionName", 2, 64, SESSION_NAME);
      String token = v.required(request, "WebIdentityToken", 4, 20000, null);
      v.string(request, "ProviderId", 4, 2048, null); // OAuth 2.0 access tokens only: not taken
      int duration = v.integer(request, "DurationSeconds", 900, 43200, 3600);
      SessionPolicyParams narrowing = SessionPolicyParams.parse(request, v, false);
      v.check();
      narrowing.check(permissions.resolver());
      IdTokenVerifier.Parsed parsed = IdTokenVerifier.parse(token);
      OidcProvider provider = provider(parsed.issuer());
      // RGW (tenant-less dialect) takes any audience from a provider registered without client ids.
      boolean anyAudience = identities.policyDialect() == PolicyDialect.RGW_TENANTLESS
          && provider.clientIds().isEmpty();
      return verifier.verify(parsed, new TrustedIssuer(provider.url(), provider.clientIds(), anyAudience))
          .handle((verified, error) -> {
            try {
              if (error != null) {
                throw rejected(unwrap(error));
              }
              return assume(verified, provider, roleArn, sessionName, duration, narrowing, facts);
            } catch (StsException e) {
              throw new CompletionException(e);
            }
          });
    } catch (StsException e) {
      return CompletableFuture.failedFuture(e);
    } catch (TokenRejected e) {
      return CompletableFuture.failedFuture(toSts(e));
    }
  }

  /** The provider whose URL is the token's {@code iss} exactly (or that URL without the scheme). */
  private OidcProvider provider(String iss) throws StsException {
    OidcProvider p = providers.findOidcByIssuer(iss).orElse(null);
    if (p == null) {
      throw new StsException(StsError.INVALID_IDENTITY_TOKEN,
          "No OpenIDConnect provider found in your account for " + iss);
    }
    return p;
  }

  private Map<String, Object> assume(VerifiedIdToken token, OidcProvider provider, String roleArn, String sessionName,
      int duration, SessionPolicyParams narrowing, CallFacts facts) throws StsException {
    String hostAndPath = FederationProviders.hostAndPath(provider.url());
    checkTags(token);
    Role role = identities.findRoleByArn(roleArn).orElse(null);
    Policy trust = role == null ? null : permissions.resolver().store().trustPolicy(role.name()).orElse(null);
    if (role == null || trust == null) {
      throw new StsException(StsError.ACCESS_DENIED, DENIED);
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put(hostAndPath + ":sub", List.of(token.subject()));
    keys.put(hostAndPath + ":aud", List.of(token.audience()));
    keys.put(hostAndPath + ":app_id", List.of(token.audience()));
    if (token.azp() != null) {
      keys.put(hostAndPath + ":azp", List.of(token.azp()));
    }
    if (!token.amr().isEmpty()) {
      keys.put(hostAndPath + ":amr", token.amr());
    }
    keys.put("aws:FederatedProvider", List.of(provider.arn()));
    keys.put("sts:RoleSessionName", List.of(sessionName));
    token.principalTags().forEach((k, val) -> {
      keys.put("aws:RequestTag/" + k, List.of(val));
      keys.put("aws:PrincipalTag/" + k, List.of(val));
    });
    if (!token.principalTags().isEmpty()) {
      keys.put("aws:TagKeys", List.copyOf(token.principalTags().keySet()));
    }
    if (!token.transitiveTagKeys().isEmpty()) {
      keys.put("sts:TransitiveTagKeys", token.transitiveTagKeys());
    }
    Caller bearer = new Caller(Principal.webIdentity(provider.arn(), token.subject()), null, null, null);
    requireTrusted(bearer, facts, trust, "sts:AssumeRoleWithWebIdentity", role.arn(), keys);
    if (!token.principalTags().isEmpty() || !token.transitiveTagKeys().isEmpty()) {
      requireTrusted(bearer, facts, trust, "sts:TagSession", role.arn(), keys);
    }
    if (duration > role.maxSessionDurationSeconds()) {
      throw new StsException(
          StsError.VALIDATION_ERROR, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    CredentialIssuer.Issued issued = issuer.issue(
        new SessionFacts(ACTION, PrincipalType.ASSUMED_ROLE, identities.accountId(), role.name(), sessionName,
            narrowing.policy(), narrowing.policyArns(), token.principalTags(), token.transitiveTagKeys(), null, null,
            false, null),
        clock.instant(), duration);
    Map<String, Object> assumedRoleUser = new LinkedHashMap<>();
    assumedRoleUser.put("Arn", "arn:aws:sts::" + identities.accountId() + ":assumed-role/" + role.name() + "/"
        + sessionName);
    assumedRoleUser.put("AssumedRoleId", role.roleId() + ":" + sessionName);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Credentials", issued.credentials());
    result.put("SubjectFromWebIdentityToken", token.subject());
    result.put("AssumedRoleUser", assumedRoleUser);
    result.put("PackedPolicySize", Integer.toString(narrowing.packedPercent()));
    result.put("Provider", hostAndPath);
    result.put("Audience", token.audience());
    return result;
  }

  private void requireTrusted(Caller bearer, CallFacts facts, Policy trust, String action, String roleArn,
      Map<String, List<String>> keys) throws StsException {
    try {
      permissions.requireTrusted(bearer, facts, trust, action, roleArn, keys);
    } catch (StsException e) {
      // AWS's wording: the bearer has no ARN of its own to name.
      throw e.error() == StsError.ACCESS_DENIED
          ? new StsException(StsError.ACCESS_DENIED, "Not authorized to perform " + action) : e;
    }
  }

  /** Session tags from the IdP follow the rules of AssumeRole's Tags; a claim breaking them is rejected. */
  private static void checkTags(VerifiedIdToken token) throws StsException {
    Map<String, String> tags = token.principalTags();
    List<String> lower = new ArrayList<>();
    for (Map.Entry<String, String> t : tags.entrySet()) {
      String key = t.getKey();
      if (!TAG_KEY.matcher(key).matches() || !TAG_VALUE.matcher(t.getValue()).matches()
          || key.toLowerCase(Locale.ROOT).startsWith("aws:") || lower.contains(key.toLowerCase(Locale.ROOT))) {
        throw new StsException(StsError.IDP_REJECTED_CLAIM, "The session tag " + key + " of the token is not valid.");
      }
      lower.add(key.toLowerCase(Locale.ROOT));
    }
    if (tags.size() > 50 || token.transitiveTagKeys().size() > 50) {
      throw new StsException(StsError.IDP_REJECTED_CLAIM, "The token carries more than 50 session tags.");
    }
    for (String key : token.transitiveTagKeys()) {
      if (!lower.contains(key.toLowerCase(Locale.ROOT))) {
        throw new StsException(StsError.IDP_REJECTED_CLAIM,
            "The transitive tag key " + key + " of the token is none of its principal tags.");
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static StsException rejected(Throwable t) {
    if (t instanceof TokenRejected r) {
      return toSts(r);
    }
    if (t instanceof StsException e) {
      return e;
    }
    // A failure the verifier did not foresee still answers in AWS's terms, never as a 500.
    return new StsException(StsError.IDP_COMMUNICATION_ERROR, "The identity provider's keys could not be used.");
  }

  private static StsException toSts(TokenRejected r) {
    StsError error = switch (r.reason()) {
      case EXPIRED -> StsError.EXPIRED_TOKEN_EXCEPTION;
      case ISSUER_UNREACHABLE -> StsError.IDP_COMMUNICATION_ERROR;
      case MALFORMED, UNSUPPORTED_ALGORITHM, UNKNOWN_ISSUER, UNKNOWN_KEY, BAD_SIGNATURE, INVALID_CLAIMS,
          WRONG_AUDIENCE -> StsError.INVALID_IDENTITY_TOKEN;
    };
    return new StsException(error, r.getMessage());
  }
}
