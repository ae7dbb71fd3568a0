package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.authz.AuthorizationMessages;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.identity.AccessKeys;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.ldap.LdapDirectory;
import dev.tokengate.proxy.ldap.LdapRoleMappings;
import dev.tokengate.proxy.token.KeyringAead;
import dev.tokengate.proxy.webidentity.IdTokenVerifier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The STS query API: dispatches an action, enforces which credentials may call it ({@link
 * SessionCallRules}), and renders the XML response.
 */
public final class StsService implements QueryApi {
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("[\\w]*");

  private final IdentityStore identities;
  private final AuthorizationMessages messages;
  private final StsPermissions permissions;
  private final GetSessionTokenAction getSessionToken;
  private final AssumeRoleAction assumeRole;
  private final GetFederationTokenAction getFederationToken;
  /** Null when no providers are wired in (AssumeRoleWithWebIdentity is then NotImplemented). */
  private final AssumeRoleWithWebIdentityAction webIdentity;
  private final AssumeRoleWithSamlAction assumeRoleWithSaml;
  /** Null when no {@code ldap:} is configured (AssumeRoleWithLDAPIdentity is then NotImplemented). */
  private final AssumeRoleWithLdapIdentityAction ldapIdentity;

  public StsService(
      IdentityStore identities, PermissionResolver permissions, RequestContextFactory contexts, SessionSealer sealer,
      AuthorizationMessages messages, AccessKeys keys, MfaVerifier mfa, MfaCodeLedger ledger, Clock clock) {
    this(identities, permissions, contexts, sealer, messages, keys, mfa, ledger, clock, null, null);
  }

  /** With AssumeRoleWithWebIdentity: tokens of {@code providers}' OIDC issuers, checked by {@code verifier}. */
  public StsService(
      IdentityStore identities, PermissionResolver permissions, RequestContextFactory contexts, SessionSealer sealer,
      AuthorizationMessages messages, AccessKeys keys, MfaVerifier mfa, MfaCodeLedger ledger, Clock clock,
      FederationProviders providers, IdTokenVerifier verifier) {
    this(identities, permissions, contexts, sealer, messages, keys, mfa, ledger, clock, providers, verifier, null, null);
  }

  /** With AssumeRoleWithLDAPIdentity too: logins against {@code directory}, roles by {@code ldapRoles}. */
  public StsService(
      IdentityStore identities, PermissionResolver permissions, RequestContextFactory contexts, SessionSealer sealer,
      AuthorizationMessages messages, AccessKeys keys, MfaVerifier mfa, MfaCodeLedger ledger, Clock clock,
      FederationProviders providers, IdTokenVerifier verifier, LdapDirectory directory, LdapRoleMappings ldapRoles) {
    this.identities = identities;
    this.messages = messages;
    this.permissions = new StsPermissions(permissions, contexts);
    CredentialIssuer issuer = new CredentialIssuer(sealer, keys);
    this.getSessionToken = new GetSessionTokenAction(issuer, mfa, ledger, clock);
    this.assumeRole = new AssumeRoleAction(identities, this.permissions, issuer, mfa, ledger, clock);
    this.getFederationToken = new GetFederationTokenAction(this.permissions, issuer, clock);
    this.webIdentity = providers == null || verifier == null ? null
        : new AssumeRoleWithWebIdentityAction(identities, providers, verifier, this.permissions, issuer, clock);
    this.assumeRoleWithSaml = new AssumeRoleWithSamlAction(identities, providers, this.permissions, issuer, clock);
    this.ldapIdentity = directory == null || ldapRoles == null ? null
        : new AssumeRoleWithLdapIdentityAction(identities, directory, ldapRoles, this.permissions, issuer, clock);
  }

  /**
   * AssumeRoleWithWebIdentity may wait on the issuer's keys and AssumeRoleWithLDAPIdentity on the
   * directory: they complete later, off the event loop; every other action completes at once.
   */
  @Override
  public CompletableFuture<byte[]> handleAsync(StsRequest request, Caller caller, CallFacts facts, String requestId) {
    if (webIdentity != null && AssumeRoleWithWebIdentityAction.ACTION.equals(request.action())
        && StsRequest.VERSION.equals(request.version())) {
      // Unsigned, as on AWS: the token is the credential, a signature (if any) adds nothing.
      return webIdentity.handle(request, facts)
          .thenApply(result -> QueryXml.response(StsXmlNamespace.STS, request.action(), result, requestId));
    }
    if (ldapIdentity != null && AssumeRoleWithLdapIdentityAction.ACTION.equals(request.action())
        && StsRequest.VERSION.equals(request.version())) {
      // Unsigned, as MinIO takes it: the username and password are the credential.
      return ldapIdentity.handle(request, facts)
          .thenApply(result -> QueryXml.response(StsXmlNamespace.STS, request.action(), result, requestId));
    }
    return QueryApi.super.handleAsync(request, caller, facts, requestId);
  }

  @Override
  public byte[] handle(StsRequest request, Caller caller, CallFacts facts, String requestId) throws StsException {
    if (request.action() == null) {
      throw new StsException(StsError.MISSING_PARAMETER, "The request must contain the parameter Action");
    }
    if (request.version() == null) {
      throw new StsException(StsError.MISSING_PARAMETER, "The request must contain the parameter Version");
    }
    if (!StsRequest.VERSION.equals(request.version())) {
      throw new StsException(
          StsError.INVALID_ACTION, "Could not find operation " + request.action() + " for version " + request.version());
    }
    String action = request.action();
    if (action.equals("AssumeRoleWithSAML")) {
      // Unsigned, as on AWS: the SAML response is the credential (a signature, if any, is ignored).
      return QueryXml.response(StsXmlNamespace.STS, action, assumeRoleWithSaml.handle(request, facts), requestId);
    }
    if (action.equals(AssumeRoleWithLdapIdentityAction.ACTION)) {
      // Reached only when no directory is configured (handleAsync answers it otherwise).
      throw new StsException(StsError.NOT_IMPLEMENTED, action + " is not enabled: the configuration has no ldap: section.");
    }
    if (caller == null) {
      throw new StsException(StsError.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
    }
    SessionCallRules.checkSts(caller, action);
    Map<String, Object> result =
        switch (action) {
          case "GetCallerIdentity" -> callerIdentity(caller);
          case "GetSessionToken" -> getSessionToken.handle(request, caller);
          case "AssumeRole" -> assumeRole.handle(request, caller, facts);
          case "GetFederationToken" -> getFederationToken.handle(request, caller, facts);
          case "GetAccessKeyInfo" -> accessKeyInfo(request, caller, facts);
          case "DecodeAuthorizationMessage" -> decodeAuthorizationMessage(request, caller, facts);
          case "AssumeRoleWithWebIdentity" ->
              throw new StsException(StsError.NOT_IMPLEMENTED, action + " is not implemented by tokengate yet.");
          default -> throw new StsException(
              StsError.INVALID_ACTION, "Could not find operation " + action + " for version " + StsRequest.VERSION);
        };
    return QueryXml.response(StsXmlNamespace.STS, action, result, requestId);
  }

  private static Map<String, Object> callerIdentity(Caller caller) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("UserId", caller.principal().userId());
    result.put("Account", caller.principal().accountId());
    result.put("Arn", caller.arn());
    return result;
  }

  private Map<String, Object> decodeAuthorizationMessage(StsRequest request, Caller caller, CallFacts facts)
      throws StsException {
    StsValidation v = new StsValidation();
    String encoded = v.required(request, "EncodedMessage", 1, 10240, null);
    v.check();
    permissions.require(caller, facts, "sts:DecodeAuthorizationMessage", "*", Map.of());
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      result.put("DecodedMessage", messages.decode(encoded));
    } catch (KeyringAead.NotOpened e) {
      throw new StsException(StsError.INVALID_AUTHORIZATION_MESSAGE, "Invalid authorization message");
    }
    return result;
  }

  private Map<String, Object> accessKeyInfo(StsRequest request, Caller caller, CallFacts facts) throws StsException {
    StsValidation v = new StsValidation();
    v.required(request, "AccessKeyId", 16, 128, ACCESS_KEY_ID);
    v.check();
    permissions.require(caller, facts, "sts:GetAccessKeyInfo", "*", Map.of());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Account", identities.accountId());
    return result;
  }
}
