package dev.tokengate.proxy.identity;

import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import dev.tokengate.proxy.sts.SessionSealer;
import dev.tokengate.sigv4.ParsedAuthorization;
import dev.tokengate.proxy.state.StateFreshness;
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
  private final Revocations revocations;
  private final StateFreshness freshness;

  /** What the resolver asks of the revocation list (in memory, no I/O). */
  @FunctionalInterface
  public interface Revocations {
    /** Why the session is revoked, or empty. */
    java.util.Optional<String> check(Session session);
  }

  public CredentialResolver(IdentityStore identities, SessionSealer sealer, Clock clock) {
    this(identities, sealer, clock, s -> java.util.Optional.empty(), StateFreshness.always());
  }

  public CredentialResolver(IdentityStore identities, SessionSealer sealer, Clock clock, Revocations revocations,
      StateFreshness freshness) {
    this.identities = identities;
    this.sealer = sealer;
    this.clock = clock;
    this.revocations = revocations;
    this.freshness = freshness;
  }

  public ResolvedCredential resolve(ParsedAuthorization auth) throws S3Exception {
    return resolve(auth.accessKeyId(), auth.securityToken());
  }

  /**
   * Refuses every request once the state store has been out of reach for longer than allowed:
   * fail closed, as a revocation, key deletion or bucket policy change written meanwhile would go
   * unseen. Anonymous requests too, as a bucket policy decides them.
   */
  public void checkFresh() throws S3Exception {
    java.util.Optional<java.time.Duration> stale = freshness.staleFor();
    if (stale.isPresent()) {
      throw new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The identity store has been unreachable for "
          + stale.get().toSeconds() + " s (more than " + freshness.staleAfter().toSeconds()
          + " s); requests are refused until it is back.");
    }
  }

  /** The same resolution for credentials named elsewhere than in a signature (a POST form's fields). */
  public ResolvedCredential resolve(String keyId, String securityToken) throws S3Exception {
    checkFresh();
    if (keyId.startsWith("ASIA")) {
      return resolveSession(keyId, securityToken);
    }
    LongTermKey key =
        identities.findAccessKey(keyId).orElseThrow(() -> new S3Exception(S3Error.INVALID_ACCESS_KEY_ID));
    if (hasToken(securityToken)) {
      throw new S3Exception(S3Error.INVALID_TOKEN);
    }
    return new ResolvedCredential(key.secretAccessKey(), Caller.of(key.owner(), key.accessKeyId()));
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
    java.util.Optional<String> revoked = revocations.check(session);
    if (revoked.isPresent()) {
      throw new S3Exception(S3Error.ACCESS_DENIED, "The security token included in the request is revoked: "
          + revoked.get() + ".");
    }
    String sourceKey = session.sourceAccessKeyId();
    if (sourceKey != null && identities.findAccessKey(sourceKey).isEmpty()) {
      // GetSessionToken/GetFederationToken sessions end with the key they were minted with.
      throw new S3Exception(S3Error.ACCESS_DENIED, "The security token included in the request is revoked: "
          + "the access key " + sourceKey + " it was issued with is inactive or deleted.");
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
            : user.principal();
    return new Caller(principal, user, null, s);
  }

  private static S3Exception revoked(Session s) {
    LOG.debug("session of {} {} refers to an identity that no longer exists", s.principalType(), s.sourceName());
    return new S3Exception(S3Error.INVALID_TOKEN);
  }
}
