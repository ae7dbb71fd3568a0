package dev.tokengate.proxy.identity;

import dev.tokengate.policy.PrincipalType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The facts of a temporary session, as sealed in its session token: who it is, where its
 * permissions come from, when it was issued and expires, and what narrows it.
 *
 * @param sourceName the IAM user name (GetSessionToken, GetFederationToken) or role name
 *     (AssumeRole*) whose policies the session inherits
 * @param sessionName the role session name or federated user name; null for GetSessionToken
 * @param sessionPolicy the inline session policy JSON, or null
 * @param mfaAuthenticatedAt when MFA was checked for this session, or null
 * @param chained true when a role session assumed this role (AWS caps those at one hour)
 * @param sourceAccessKeyId the long-term key a GetSessionToken or GetFederationToken session was
 *     minted with (deactivating or deleting that key stops the session), else null
 */
public record Session(
    String accessKeyId,
    String secretAccessKey,
    String action,
    PrincipalType principalType,
    String accountId,
    String sourceName,
    String sessionName,
    Instant issuedAt,
    Instant expiresAt,
    String sessionPolicy,
    List<String> policyArns,
    Map<String, String> tags,
    List<String> transitiveTagKeys,
    String sourceIdentity,
    Instant mfaAuthenticatedAt,
    boolean chained,
    String sourceAccessKeyId) {

  public Session {
    policyArns = policyArns == null ? List.of() : List.copyOf(policyArns);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    transitiveTagKeys = transitiveTagKeys == null ? List.of() : List.copyOf(transitiveTagKeys);
  }

  /** A session minted by no long-term key of its own (role sessions, tokens of format 1). */
  public Session(String accessKeyId, String secretAccessKey, String action, PrincipalType principalType,
      String accountId, String sourceName, String sessionName, Instant issuedAt, Instant expiresAt,
      String sessionPolicy, List<String> policyArns, Map<String, String> tags, List<String> transitiveTagKeys,
      String sourceIdentity, Instant mfaAuthenticatedAt, boolean chained) {
    this(accessKeyId, secretAccessKey, action, principalType, accountId, sourceName, sessionName, issuedAt,
        expiresAt, sessionPolicy, policyArns, tags, transitiveTagKeys, sourceIdentity, mfaAuthenticatedAt, chained,
        null);
  }

  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
