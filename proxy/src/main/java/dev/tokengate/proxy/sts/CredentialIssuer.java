package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.identity.AccessKeys;
import dev.tokengate.proxy.identity.Session;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mints temporary credentials: a fresh {@code ASIA…} key and secret, sealed with the session. */
final class CredentialIssuer {
  private final SessionSealer sealer;
  private final AccessKeys keys;

  CredentialIssuer(SessionSealer sealer, AccessKeys keys) {
    this.sealer = sealer;
    this.keys = keys;
  }

  /** A session template completed with new keys; returns it with its wire {@code Credentials}. */
  Issued issue(SessionFacts facts, Instant now, int durationSeconds) {
    Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
    Session session =
        new Session(
            keys.temporaryAccessKeyId(),
            keys.secretAccessKey(),
            facts.action(),
            facts.principalType(),
            facts.accountId(),
            facts.sourceName(),
            facts.sessionName(),
            issuedAt,
            issuedAt.plusSeconds(durationSeconds),
            facts.sessionPolicy(),
            facts.policyArns(),
            facts.tags(),
            facts.transitiveTagKeys(),
            facts.sourceIdentity(),
            facts.mfaAuthenticatedAt(),
            facts.chained(),
            facts.sourceAccessKeyId());
    String token = sealer.seal(session);
    Map<String, Object> credentials = new LinkedHashMap<>();
    credentials.put("AccessKeyId", session.accessKeyId());
    credentials.put("SecretAccessKey", session.secretAccessKey());
    credentials.put("SessionToken", token);
    credentials.put("Expiration", DateTimeFormatter.ISO_INSTANT.format(session.expiresAt()));
    return new Issued(session, credentials);
  }

  record Issued(Session session, Map<String, Object> credentials) {}
}
