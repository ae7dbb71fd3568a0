package dev.tokengate.proxy.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each kind of revocation covers, what it leaves alone, and when it is forgotten. */
class RevocationListTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @TempDir Path dir;

  static Session session(String keyId, PrincipalType type, String source, String sourceIdentity, Instant issued) {
    return new Session(keyId, "secret", "AssumeRole", type, "123456789012", source, "s", issued,
        issued.plus(Duration.ofHours(1)), null, null, null, null, sourceIdentity, null, false);
  }

  static Session role(String role, Instant issued) {
    return session("ASIAROLE" + role.toUpperCase() + "0000000", PrincipalType.ASSUMED_ROLE, role, null, issued);
  }

  static Session user(String user, Instant issued) {
    return session("ASIAUSER" + user.toUpperCase() + "0000000", PrincipalType.USER, user, null, issued);
  }

  private void write(StateStore store, Revocation r) throws Exception {
    store.put(r.key(), r.write(), StateStore.ABSENT);
  }

  @Test
  void eachKindCoversItsSessionsIssuedUntilItAndNothingElse() throws Exception {
    MutableClock clock = new MutableClock(T0);
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir);
        RevocationList list = new RevocationList(store, clock)) {
      Session old = user("bob", T0.minusSeconds(60));
      assertTrue(list.check(old).isEmpty(), "nothing revoked yet");

      list.added(Revocation.of("R1", Revocation.Kind.USER, "bob", T0));
      assertTrue(list.check(old).orElseThrow().contains("user bob"));
      assertTrue(list.check(user("bob", T0)).isPresent(), "the second of the revocation is covered");
      assertTrue(list.check(user("bob", T0.plusSeconds(1))).isEmpty(), "a later session is not");
      assertTrue(list.check(user("alice", T0.minusSeconds(60))).isEmpty());
      assertTrue(list.check(role("bob", T0.minusSeconds(60))).isEmpty(), "a role named like the user is another");

      list.added(Revocation.of("R2", Revocation.Kind.ROLE, "etl", T0));
      assertTrue(list.check(role("etl", T0.minusSeconds(5))).orElseThrow().contains("role etl"));
      assertTrue(list.check(role("web", T0.minusSeconds(5))).isEmpty());

      list.added(Revocation.of("R3", Revocation.Kind.SESSION, "ASIAONE0000000000000", T0));
      assertTrue(list.check(session("ASIAONE0000000000000", PrincipalType.USER, "x", null, T0.plusSeconds(9)))
          .isPresent(), "a revoked session key is refused whenever it was issued");

      list.added(Revocation.of("R4", Revocation.Kind.SOURCE_IDENTITY, "carol", T0));
      assertTrue(list.check(session("ASIAC0000000000000000", PrincipalType.ASSUMED_ROLE, "web", "carol",
          T0.minusSeconds(1))).isPresent());
      assertTrue(list.check(session("ASIAD0000000000000000", PrincipalType.ASSUMED_ROLE, "web", "dave",
          T0.minusSeconds(1))).isEmpty());

      list.added(Revocation.of("R5", Revocation.Kind.ISSUED_BEFORE, null, T0.minusSeconds(30)));
      assertTrue(list.check(role("web", T0.minusSeconds(31))).orElseThrow().contains("issued before"));
      assertTrue(list.check(role("web", T0.minusSeconds(30))).isEmpty(), "before is strict");
      assertEquals(5, list.current().size());
    }
  }

  @Test
  void writesByAnotherWriterArriveThroughTheWatchAndSurviveARestart() throws Exception {
    MutableClock clock = new MutableClock(T0);
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      try (RevocationList list = new RevocationList(store, clock)) {
        write(store, Revocation.of("W1", Revocation.Kind.ROLE, "etl", T0));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (list.check(role("etl", T0)).isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(list.check(role("etl", T0)).isPresent(), "the watch delivered the revocation");
        store.delete("revocations/W1", store.get("revocations/W1").orElseThrow().revision());
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (list.check(role("etl", T0)).isPresent() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(list.check(role("etl", T0)).isEmpty(), "and its deletion");
        write(store, Revocation.of("W2", Revocation.Kind.USER, "bob", T0));
      }
    }
    try (EmbeddedStateStore again = EmbeddedStateStore.open(dir);
        RevocationList list = new RevocationList(again, clock)) {
      assertTrue(list.check(user("bob", T0)).isPresent(), "read back at start");
    }
  }

  @Test
  void revocationsAreForgottenOnceEverySessionTheyCoverHasExpired() throws Exception {
    MutableClock clock = new MutableClock(T0);
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir);
        RevocationList list = new RevocationList(store, clock)) {
      write(store, Revocation.of("P1", Revocation.Kind.USER, "bob", T0));
      write(store, Revocation.of("P2", Revocation.Kind.USER, "eve", T0.plus(Duration.ofHours(2))));
      list.added(Revocation.read(store.get("revocations/P1").orElseThrow().value(), "revocations/P1"));
      list.added(Revocation.read(store.get("revocations/P2").orElseThrow().value(), "revocations/P2"));
      clock.advance(Revocation.LONGEST_SESSION.plusSeconds(1));
      list.prune();
      assertFalse(store.get("revocations/P1").isPresent(), "dropped from the store");
      assertTrue(store.get("revocations/P2").isPresent(), "still covering live sessions");
      assertEquals(List.of("P2"), list.current().stream().map(Revocation::id).toList());
    }
  }

  @Test
  void aDocumentThatIsNotARevocationIsRefusedWithItsKey() {
    byte[] bad = "{\"id\":\"X\",\"kind\":\"planet\"}".getBytes(StandardCharsets.UTF_8);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Revocation.read(bad, "revocations/X"));
    assertTrue(e.getMessage().contains("revocations/X"), e.getMessage());
  }
}
