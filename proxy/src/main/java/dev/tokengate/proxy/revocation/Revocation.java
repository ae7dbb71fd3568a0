package dev.tokengate.proxy.revocation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.time.Instant;

/**
 * One revocation, as kept in the state store under {@code revocations/ID}: which sessions it
 * stops ({@link Kind} and value) and until when it must be remembered. Sessions issued at or
 * before {@code revokedAt} are refused; {@code dropAfter} is {@code revokedAt} plus the longest
 * session tokengate issues, after which every session it covers has expired anyway.
 *
 * @param value the session's {@code ASIA…} key id, the user or role name, the source identity;
 *     null for {@link Kind#ISSUED_BEFORE}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Revocation(
    @JsonProperty("id") String id,
    @JsonProperty("kind") Kind kind,
    @JsonProperty("value") String value,
    @JsonProperty("revokedAt") String revokedAtText,
    @JsonProperty("dropAfter") String dropAfterText) {

  /** GetSessionToken and GetFederationToken sessions last at most 36 hours; roles at most 12. */
  public static final Duration LONGEST_SESSION = Duration.ofHours(36);

  static final String PREFIX = "revocations/";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** What a revocation matches; the JSON names are stable wire codes. */
  public enum Kind {
    @JsonProperty("session") SESSION("Session"),
    @JsonProperty("user") USER("User"),
    @JsonProperty("role") ROLE("Role"),
    @JsonProperty("source-identity") SOURCE_IDENTITY("SourceIdentity"),
    @JsonProperty("issued-before") ISSUED_BEFORE("IssuedBefore");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    /** The name in IAM-style responses. */
    public String wireName() {
      return wireName;
    }
  }

  public static Revocation of(String id, Kind kind, String value, Instant revokedAt) {
    return new Revocation(id, kind, value, revokedAt.toString(), revokedAt.plus(LONGEST_SESSION).toString());
  }

  @JsonIgnore
  public Instant revokedAt() {
    return Instant.parse(revokedAtText);
  }

  @JsonIgnore
  public Instant dropAfter() {
    return Instant.parse(dropAfterText);
  }

  @JsonIgnore
  public String key() {
    return PREFIX + id;
  }

  byte[] write() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("revocations always serialize", e);
    }
  }

  static Revocation read(byte[] doc, String key) {
    try {
      Revocation r = JSON.readValue(doc, Revocation.class);
      if (r.id() == null || r.kind() == null || r.revokedAtText() == null || r.dropAfterText() == null
          || (r.kind() != Kind.ISSUED_BEFORE && r.value() == null)) {
        throw new IllegalArgumentException("state entry " + key + " lacks a field of a revocation");
      }
      r.revokedAt();
      r.dropAfter();
      return r;
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("state entry " + key + " has a bad time: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("state entry " + key + " is not a revocation: " + e.getMessage(), e);
    }
  }
}
