package dev.tokengate.proxy.sts;

import dev.tokengate.policy.Policy;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.ldap.LdapDirectory;
import dev.tokengate.proxy.ldap.LdapIdentity;
import dev.tokengate.proxy.ldap.LdapLoginFailed;
import dev.tokengate.proxy.ldap.LdapRoleMappings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AssumeRoleWithLDAPIdentity, MinIO's STS extension: an unsigned call trading an LDAP username and
 * password ({@link LdapDirectory}) for an ordinary role session {@code
 * arn:aws:sts::ACCT:assumed-role/ROLE/USERNAME}. The role is the first of {@code ldap.roleMappings}
 * naming the user's DN or one of its groups (or the optional {@code RoleArn}, if it is one of
 * those), and its trust policy must allow {@code sts:AssumeRoleWithLDAPIdentity} for {@code
 * {"Federated": "ldap"}}, seeing {@code ldap:user} (the DN), {@code ldap:username} and {@code
 * ldap:groups}. The directory is asked on its own threads: the result completes there.
 *
 * <p>Unknown user, wrong password, no mapped role and a distrusting role all answer the same
 * AccessDenied, so the answer tells nothing about who exists.
 */
final class AssumeRoleWithLdapIdentityAction {
  static final String ACTION = "AssumeRoleWithLDAPIdentity";
  private static final Logger LOG = LoggerFactory.getLogger(AssumeRoleWithLdapIdentityAction.class);
  /** The username names the session, so it takes RoleSessionName's rule. */
  private static final Pattern USERNAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final String DENIED = "Not authorized to perform sts:" + ACTION;

  private final IdentityStore identities;
  private final LdapDirectory directory;
  private final LdapRoleMappings mappings;
  private final StsPermissions permissions;
  private final CredentialIssuer issuer;
  private final Clock clock;

  AssumeRoleWithLdapIdentityAction(IdentityStore identities, LdapDirectory directory, LdapRoleMappings mappings,
      StsPermissions permissions, CredentialIssuer issuer, Clock clock) {
    this.identities = identities;
    this.directory = directory;
    this.mappings = mappings;
    this.permissions = permissions;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** Completes with the result, or exceptionally with an {@link StsException}. */
  CompletableFuture<Map<String, Object>> handle(StsRequest request, CallFacts facts) {
    try {
      StsValidation v = new StsValidation();
      String username = request.get("LDAPUsername");
      String password = request.get("LDAPPassword");
      if (username == null || username.isEmpty()) {
        v.add("Value null at 'LDAPUsername' failed to satisfy constraint: Member must not be null or empty");
      } else if (!USERNAME.matcher(username).matches()) {
        v.add("Value '" + username + "' at 'LDAPUsername' failed to satisfy constraint: "
            + "Member must satisfy regular expression pattern: " + USERNAME.pattern());
      }
      if (password == null || password.isEmpty()) {
        // Never quoted back: it is a credential.
        v.add("Value null at 'LDAPPassword' failed to satisfy constraint: Member must not be null or empty");
      } else if (password.length() > 1024) {
        v.add("Value at 'LDAPPassword' failed to satisfy constraint: Member must have length less than or equal to 1024");
      }
      String roleArn = v.string(request, "RoleArn", 20, 2048, null);
      int duration = v.integer(request, "DurationSeconds", 900, 43200, 3600);
      SessionPolicyParams narrowing = SessionPolicyParams.parse(policyParams(request), v, false);
      v.check();
      narrowing.check(permissions.resolver());
      return directory.authenticate(username, password).handle((identity, error) -> {
        try {
          if (error != null) {
            throw refused(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
          }
          return assume(identity, roleArn, duration, narrowing, facts);
        } catch (StsException e) {
          throw new CompletionException(e);
        }
      });
    } catch (StsException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Map<String, Object> assume(LdapIdentity user, String roleArn, int duration, SessionPolicyParams narrowing,
      CallFacts facts) throws StsException {
    String sessionName = user.username();
    if (!USERNAME.matcher(sessionName).matches()) {
      LOG.warn("LDAP user {} is named '{}', which cannot name a session ([\\w+=,.@-]{{2,64}})", user.userDn(),
          sessionName);
      throw new StsException(StsError.ACCESS_DENIED, DENIED);
    }
    Role role = role(user, roleArn);
    Policy trust = permissions.resolver().store().trustPolicy(role.name()).orElse(null);
    if (trust == null) {
      throw new StsException(StsError.ACCESS_DENIED, DENIED);
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("ldap:user", List.of(user.userDn()));
    keys.put("ldap:username", List.of(sessionName));
    keys.put("ldap:groups", user.groupDns());
    keys.put("aws:FederatedProvider", List.of(Principal.LDAP_PROVIDER));
    keys.put("sts:RoleSessionName", List.of(sessionName));
    Caller bearer = new Caller(Principal.ldap(identities.accountId(), sessionName), null, null, null);
    try {
      permissions.requireTrusted(bearer, facts, trust, "sts:" + ACTION, role.arn(), keys);
    } catch (StsException denied) {
      LOG.debug("role {} does not trust LDAP user {} for sts:{}", role.name(), user.userDn(), ACTION);
      throw new StsException(StsError.ACCESS_DENIED, DENIED);
    }
    if (duration > role.maxSessionDurationSeconds()) {
      throw new StsException(
          StsError.VALIDATION_ERROR, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    CredentialIssuer.Issued issued = issuer.issue(
        new SessionFacts(ACTION, PrincipalType.ASSUMED_ROLE, identities.accountId(), role.name(), sessionName,
            narrowing.policy(), narrowing.policyArns(), Map.of(), List.of(), null, null, false, null),
        clock.instant(), duration);
    Map<String, Object> assumedRoleUser = new LinkedHashMap<>();
    assumedRoleUser.put("Arn", "arn:aws:sts::" + identities.accountId() + ":assumed-role/" + role.name() + "/"
        + sessionName);
    assumedRoleUser.put("AssumedRoleId", role.roleId() + ":" + sessionName);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("Credentials", issued.credentials());
    result.put("AssumedRoleUser", assumedRoleUser);
    result.put("PackedPolicySize", Integer.toString(narrowing.packedPercent()));
    return result;
  }

  /** The first mapped role (or the asked-for one, if mapped) that exists. */
  private Role role(LdapIdentity user, String roleArn) throws StsException {
    List<String> mapped = mappings.roles(user);
    if (mapped.isEmpty()) {
      LOG.debug("LDAP user {} and its groups map to no role (ldap.roleMappings)", user.userDn());
      throw new StsException(StsError.ACCESS_DENIED, DENIED);
    }
    for (String name : mapped) {
      Role role = identities.findRole(name).orElse(null);
      if (role == null) {
        LOG.warn("ldap.roleMappings names role {}, which does not exist", name);
      } else if (roleArn == null || role.arn().equals(roleArn)) {
        return role;
      }
    }
    throw new StsException(StsError.ACCESS_DENIED, DENIED);
  }

  /** The caller's Policy and PolicyArns only: session tags are not taken from the caller here. */
  private static StsRequest policyParams(StsRequest request) {
    Map<String, String> params = new LinkedHashMap<>();
    request.params().forEach((k, val) -> {
      if (k.equals("Policy") || k.startsWith("PolicyArns.")) {
        params.put(k, val);
      }
    });
    return new StsRequest(request.action(), request.version(), params);
  }

  private static StsException refused(Throwable t) {
    if (t instanceof StsException e) {
      return e;
    }
    if (t instanceof LdapLoginFailed f) {
      return switch (f.reason()) {
        case INVALID_CREDENTIALS -> {
          LOG.debug("LDAP login refused: {}", f.getMessage());
          yield new StsException(StsError.ACCESS_DENIED, DENIED);
        }
        case UNAVAILABLE -> {
          LOG.warn("LDAP directory unavailable: {}", f.getMessage());
          yield new StsException(StsError.IDP_COMMUNICATION_ERROR, "The LDAP directory could not be reached.");
        }
      };
    }
    // A failure nobody foresaw still answers in AWS's terms, never as a 500.
    LOG.warn("LDAP login failed unexpectedly: {}", t.toString());
    return new StsException(StsError.IDP_COMMUNICATION_ERROR, "The LDAP directory could not be reached.");
  }
}
