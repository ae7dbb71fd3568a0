package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionTokenTest {
  private static final Instant T = Instant.parse("2024-05-24T10:15:30Z");

  private static SessionToken session(Instant issued, Instant expires, Map<String, String> tags,
      boolean mfa, Instant mfaAt) {
    return new SessionToken("ASIAXXXXXXXXXXXXXXXX", "secret", StsAction.GET_FEDERATION_TOKEN,
        SessionToken.PrincipalType.FEDERATED_USER, "arn:aws:sts::123456789012:federated-user/bob",
        "arn:aws:iam::123456789012:user/alice", "123456789012:bob", "123456789012",
        issued, expires, "{}", null, tags, null, null, mfa, mfaAt, false);
  }

  @Test
  void expiresAtItsExpiryInstant() {
    SessionToken s = session(T, T.plusSeconds(900), null, false, null);
    assertFalse(s.isExpired(Clock.fixed(T.plusSeconds(899), ZoneOffset.UTC)));
    assertTrue(s.isExpired(Clock.fixed(T.plusSeconds(900), ZoneOffset.UTC)));
  }

  @Test
  void keepsSecondsOnly() {
    SessionToken s = session(T.plusMillis(999), T.plusSeconds(900).plusNanos(1), null, true, T.plusMillis(5));
    assertEquals(T, s.issuedAt());
    assertEquals(T.plusSeconds(900), s.expiresAt());
    assertEquals(T, s.mfaAuthenticatedAt());
  }

  @Test
  void keepsTagOrderAndCopiesCollections() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("z", "1");
    tags.put("a", "2");
    SessionToken s = session(T, T.plusSeconds(900), tags, false, null);
    tags.put("m", "3");
    assertEquals(List.of("z", "a"), List.copyOf(s.sessionTags().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> s.sessionTags().put("q", "4"));
    assertEquals(List.of(), s.policyArns());
    assertEquals(List.of(), s.transitiveTagKeys());
  }

  @Test
  void rejectsInconsistentSessions() {
    assertThrows(IllegalArgumentException.class, () -> session(T, T.minusSeconds(1), null, false, null));
    assertThrows(IllegalArgumentException.class, () -> session(T, T.plusSeconds(1), null, false, T));
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("k", null);
    assertThrows(NullPointerException.class, () -> session(T, T.plusSeconds(1), nullValue, false, null));
  }

  @Test
  void toStringLeavesOutTheSecret() {
    String text = Sessions.assumeRole().toString();
    assertFalse(text.contains("wJalrXUtnFEMI"), text);
    assertTrue(text.contains("secretAccessKey=(redacted)"));
    assertTrue(text.contains("sessionPolicy=300 chars"));
  }
}
