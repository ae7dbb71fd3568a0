package dev.tokengate.proxy.identity;

import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import dev.tokengate.proxy.sts.SessionSealer;
import dev.tokengate.sigv4.ParsedAuthorization;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the secret and caller behind an access key id: long-term {@code AKIA…} keys from the
 * identity store; temporary {@code ASIA…} keys by opening the session token the request carries
 * (no lookup: the token holds the secret and every fact). Token answers follow S3: no token for a
 * temporary key is 403 InvalidAccessKeyId, a token that does not open 400 InvalidToken, an expired
 * one 400 ExpiredToken, and a token sent with a long-term key 400 InvalidToken as well: S3 answers
 * "InvalidToken: The provided token is malformed or otherwise invalid." when a session token
 * accompanies an IAM user's permanent keys (reported in s3tools/s3cmd#297 and cloudyr/aws.s3#315).
 * Ignoring it instead would authorize a request under other credentials than the client meant.
 */
public class CredentialResolver {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialResolver.class);

  private final IdentityStore identities;
  private final SessionSealer sealer;
  private final Clock clock;

  public CredentialResolver(IdentityStore identities, SessionSealer sealer, Clock clock) {
    this.identities = identities;
    this.sealer = sealer;
    this.clock = clock;
  }

  public ResolvedCredential resolve(ParsedAuthorization auth) throws S3Exception {
    return resolve(auth.accessKeyId(), auth.securityToken());
  }

  /** The same resolution for credentials named elsewhere than in a signature (a POST form's fields). */
  public ResolvedCredential resolve(String keyId, String securityToken) throws S3Exception {
    if (keyId.startsWith("ASIA")) {
      return resolveSession(keyId, securityToken);
    }
    LongTermKey key =
        identities.findAccessKey(keyId).orElseThrow(() -> new S3Exception(S3Error.INVALID_ACCESS_KEY_ID));
    if (hasToken(securityToken)) {
      throw new S3Exception(S3Error.INVALID_TOKEN);
    }
    return new ResolvedCredential(key.secretAccessKey(), Caller.of(key.owner(), identities.accountId()));
  }

  /**
   * Called once the signature made with {@code keyId} verified: records the use of a long-term key
   * (GetAccessKeyLastUsed), in memory only. Temporary keys are not tracked, as on AWS.
   */
  public void authenticated(String keyId, String service, String region) {
    if (!keyId.startsWith("ASIA")) {
      identities.keyUsage().record(keyId, service, region, clock.instant());
    }
  }

  /** An empty token header counts as none, for long-term and temporary keys alike. */
  private static boolean hasToken(String token) {
    return token != null && !token.isEmpty();
  }

  private ResolvedCredential resolveSession(String keyId, String token) throws S3Exception {
    if (!hasToken(token)) {
      throw new S3Exception(S3Error.INVALID_ACCESS_KEY_ID);
    }
    Session session;
    try {
      session = sealer.open(token, keyId);
    } catch (InvalidSessionTokenException e) {
      throw new S3Exception(S3Error.INVALID_TOKEN);
    }
    if (session.isExpired(clock.instant())) {
      throw new S3Exception(S3Error.EXPIRED_TOKEN);
    }
    return new ResolvedCredential(session.secretAccessKey(), callerOf(session));
  }

  /** Rebuilds the caller from the sealed facts; its user or role must still exist. */
  private Caller callerOf(Session s) throws S3Exception {
    if (s.principalType() == PrincipalType.ASSUMED_ROLE) {
      Role role = identities.findRole(s.sourceName()).orElseThrow(() -> revoked(s));
      return new Caller(Principal.roleSession(role.arn(), s.sessionName(), role.roleId()), null, role, s);
    }
    User user = identities.findUser(s.sourceName()).orElseThrow(() -> revoked(s));
    Principal principal =
        s.principalType() == PrincipalType.FEDERATED_USER
            ? Principal.federatedUserOf(user.arn(), s.sessionName())
            : Principal.iamUser(user.arn(), user.userId());
    return new Caller(principal, user, null, s);
  }

  private static S3Exception revoked(Session s) {
    LOG.debug("session of {} {} refers to an identity that no longer exists", s.principalType(), s.sourceName());
    return new S3Exception(S3Error.INVALID_TOKEN);
  }
}
