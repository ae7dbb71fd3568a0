package dev.tokengate.sigv4.token;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a replica needs to authenticate and authorize a temporary credential, sealed into
 * its session token by {@link SessionTokenSealer} so that no shared store is consulted.
 *
 * <p>Times have second precision (as STS reports them, and as {@code aws:TokenIssueTime} is
 * compared); the constructor truncates them. {@link #toString()} leaves out the secret.
 *
 * @param accessKeyId the temporary access key id ({@code ASIA…}); not stored in the token's
 *     plaintext but bound to it as authenticated data, see {@link SessionTokenSealer}
 * @param secretAccessKey the secret that signs requests made with this session
 * @param action the STS action that created the session
 * @param principalArn the session's own ARN, e.g. {@code
 *     arn:aws:sts::123456789012:assumed-role/ROLE/SESSION}
 * @param sourceArn the IAM user or role whose policies apply to the session
 * @param userId {@code aws:userid}, e.g. {@code AROAEXAMPLE:SESSION} or {@code AIDA…}
 * @param sessionPolicy the inline session policy JSON as given (already minified), or null
 * @param policyArns managed session policy ARNs, in request order
 * @param sessionTags session tags in request order
 * @param transitiveTagKeys the tag keys that survive role chaining
 * @param sourceIdentity the immutable {@code SourceIdentity}, or null
 * @param mfaAuthenticated whether MFA was presented ({@code aws:MultiFactorAuthPresent})
 * @param mfaAuthenticatedAt when, for {@code aws:MultiFactorAuthAge}; null if unknown or no MFA
 * @param chained whether a role session assumed this role (AWS caps chained sessions at 1 h)
 */
public record SessionToken(
    String accessKeyId,
    String secretAccessKey,
    StsAction action,
    PrincipalType principalType,
    String principalArn,
    String sourceArn,
    String userId,
    String accountId,
    Instant issuedAt,
    Instant expiresAt,
    String sessionPolicy,
    List<String> policyArns,
    Map<String, String> sessionTags,
    List<String> transitiveTagKeys,
    String sourceIdentity,
    boolean mfaAuthenticated,
    Instant mfaAuthenticatedAt,
    boolean chained) {

  /** Who the session acts as. Codes are part of the token format: never renumber, only add. */
  public enum PrincipalType {
    USER(1),
    ROOT(2),
    ASSUMED_ROLE(3),
    FEDERATED_USER(4);

    private final int code;

    PrincipalType(int code) {
      this.code = code;
    }

    int code() {
      return code;
    }

    static PrincipalType ofCode(int code) {
      for (PrincipalType t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /**
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if the session expires before it is issued, or has an MFA
   *     time without MFA
   */
  public SessionToken {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(principalType, "principalType");
    Objects.requireNonNull(principalArn, "principalArn");
    Objects.requireNonNull(sourceArn, "sourceArn");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(accountId, "accountId");
    issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.SECONDS);
    expiresAt = Objects.requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.SECONDS);
    if (expiresAt.isBefore(issuedAt)) {
      throw new IllegalArgumentException("expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
    }
    policyArns = policyArns == null ? List.of() : List.copyOf(policyArns);
    // Map.copyOf would lose the order; tags are reported back in request order.
    sessionTags = sessionTags == null || sessionTags.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(copyTags(sessionTags));
    transitiveTagKeys = transitiveTagKeys == null ? List.of() : List.copyOf(transitiveTagKeys);
    if (mfaAuthenticatedAt != null) {
      if (!mfaAuthenticated) {
        throw new IllegalArgumentException("mfaAuthenticatedAt is set but mfaAuthenticated is false");
      }
      mfaAuthenticatedAt = mfaAuthenticatedAt.truncatedTo(ChronoUnit.SECONDS);
    }
  }

  /** True from {@link #expiresAt()} on; the caller answers {@code ExpiredToken}. */
  public boolean isExpired(Clock clock) {
    return !clock.instant().isBefore(expiresAt);
  }

  private static Map<String, String> copyTags(Map<String, String> tags) {
    Map<String, String> copy = new LinkedHashMap<>(tags.size() * 2);
    tags.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "tag key"),
        Objects.requireNonNull(v, "value of tag " + k)));
    return copy;
  }

  @Override
  public String toString() {
    return "SessionToken[accessKeyId=" + accessKeyId + ", secretAccessKey=(redacted)"
        + ", action=" + action + ", principalType=" + principalType
        + ", principalArn=" + principalArn + ", sourceArn=" + sourceArn + ", userId=" + userId
        + ", accountId=" + accountId + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt
        + ", sessionPolicy=" + (sessionPolicy == null ? "null" : sessionPolicy.length() + " chars")
        + ", policyArns=" + policyArns + ", sessionTags=" + sessionTags
        + ", transitiveTagKeys=" + transitiveTagKeys + ", sourceIdentity=" + sourceIdentity
        + ", mfaAuthenticated=" + mfaAuthenticated + ", mfaAuthenticatedAt=" + mfaAuthenticatedAt
        + ", chained=" + chained + "]";
  }
}
