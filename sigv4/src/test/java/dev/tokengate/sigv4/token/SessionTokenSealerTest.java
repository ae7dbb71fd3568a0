package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTokenSealerTest {
  private final SecureRandom random = Sessions.seededRandom(1);
  private final Keyring keyring = Keyring.generate(random);
  private final SessionTokenSealer sealer = new SessionTokenSealer(keyring, random);

  @Test
  void opensWhatItSealsWithEveryField() throws Exception {
    for (SessionToken session : new SessionToken[] {Sessions.assumeRole(), Sessions.getSessionToken()}) {
      SessionToken opened = sealer.open(sealer.seal(session), Sessions.AKID);
      assertEquals(session, opened);
      assertEquals(session.sessionTags().keySet().stream().toList(),
          opened.sessionTags().keySet().stream().toList(), "tag order survives");
    }
  }

  @Test
  void tokenHasTheDocumentedLayout() {
    byte[] raw = Base64.getUrlDecoder().decode(sealer.seal(Sessions.assumeRole()));
    assertEquals(SessionTokenSealer.VERSION, raw[0]);
    assertEquals(keyring.primary().id(), ByteBuffer.wrap(raw, 1, 4).getInt());
    int plaintext = SessionTokenCodec.encode(Sessions.assumeRole()).length();
    assertEquals(1 + 4 + 12 + plaintext + 16, raw.length);
  }

  @Test
  void sealingTwiceGivesDifferentTokens() {
    // Fresh nonces: equal sessions must not be linkable by their tokens.
    assertNotEquals(sealer.seal(Sessions.assumeRole()), sealer.seal(Sessions.assumeRole()));
  }

  @Test
  void everyTamperedByteIsRejectedWithTheSameMessage() {
    String token = sealer.seal(Sessions.getSessionToken());
    byte[] raw = Base64.getUrlDecoder().decode(token);
    Set<String> reasons = new HashSet<>();
    // Header, nonce, ciphertext and tag: every position, so no byte goes unauthenticated.
    for (int i = 0; i < raw.length; i++) {
      byte[] tampered = raw.clone();
      tampered[i] ^= 0x01;
      InvalidTokenException e = assertThrows(InvalidTokenException.class,
          () -> sealer.open(encode(tampered), Sessions.AKID), "byte " + i);
      assertEquals(InvalidTokenException.PUBLIC_MESSAGE, e.getMessage());
      reasons.add(e.debugReason().split(" ")[0]);
    }
    assertTrue(reasons.size() >= 3, "the debug reason tells causes apart: " + reasons);
  }

  @Test
  void truncatedAndExtendedTokensAreRejected() {
    byte[] raw = Base64.getUrlDecoder().decode(sealer.seal(Sessions.assumeRole()));
    for (int len : new int[] {0, 1, 5, 17, 32, 33, raw.length - 1}) {
      byte[] cut = java.util.Arrays.copyOf(raw, len);
      assertThrows(InvalidTokenException.class, () -> sealer.open(encode(cut), Sessions.AKID), "length " + len);
    }
    byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 1);
    assertThrows(InvalidTokenException.class, () -> sealer.open(encode(longer), Sessions.AKID));
  }

  @Test
  void malformedTextIsRejectedWithTheSameMessage() {
    String token = sealer.seal(Sessions.assumeRole());
    String lastChanged = token.substring(0, token.length() - 1)
        + (char) (token.charAt(token.length() - 1) ^ 1);
    for (String bad : new String[] {null, "", "not base64!", token + "=", token + "==", token + "A",
        token.replace('-', '+'), lastChanged, "A".repeat(40_000)}) {
      InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> sealer.open(bad, Sessions.AKID));
      assertEquals("The provided token is malformed or otherwise not valid.", e.getMessage());
    }
  }

  @Test
  void aTokenPresentedWithAnotherAccessKeyDoesNotOpen() {
    String token = sealer.seal(Sessions.assumeRole());
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> sealer.open(token, "ASIAQ3EGUWR7XSB4KC5G"));
    assertEquals(InvalidTokenException.PUBLIC_MESSAGE, e.getMessage());
    assertTrue(e.debugReason().startsWith("GCM"), e.debugReason());
  }

  @Test
  void anotherKeyringCannotOpenIt() {
    String token = sealer.seal(Sessions.assumeRole());
    SessionTokenSealer stranger = new SessionTokenSealer(Keyring.generate(random), random);
    assertThrows(InvalidTokenException.class, () -> stranger.open(token, Sessions.AKID));
  }

  @Test
  void rotationKeepsOldTokensUntilTheirKeyIsRetired() throws Exception {
    int oldId = keyring.primary().id();
    String oldToken = sealer.seal(Sessions.assumeRole());

    Keyring rotated = keyring.rotated(random);
    SessionTokenSealer afterRotation = new SessionTokenSealer(rotated, random);
    assertEquals(Sessions.assumeRole(), afterRotation.open(oldToken, Sessions.AKID));
    String newToken = afterRotation.seal(Sessions.assumeRole());
    int newId = ByteBuffer.wrap(Base64.getUrlDecoder().decode(newToken), 1, 4).getInt();
    assertEquals(rotated.primary().id(), newId);
    assertNotEquals(oldId, newId);

    SessionTokenSealer afterRetirement = new SessionTokenSealer(rotated.withoutKey(oldId), random);
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> afterRetirement.open(oldToken, Sessions.AKID));
    assertEquals("no enabled key " + oldId + " in the keyring", e.debugReason());
    assertEquals(Sessions.assumeRole(), afterRetirement.open(newToken, Sessions.AKID));
  }

  @Test
  void aKeyAddedButNotYetPrimaryOpensTokensOfReplicasAlreadyPromotingIt() throws Exception {
    Keyring added = keyring.withNewKey(random);
    int newId = added.entries().get(1).id();
    String fromPromotedReplica = new SessionTokenSealer(added.withPrimary(newId), random)
        .seal(Sessions.assumeRole());
    assertEquals(Sessions.assumeRole(), new SessionTokenSealer(added, random).open(fromPromotedReplica, Sessions.AKID));
  }

  @Test
  void disabledKeysDoNotOpen() {
    Keyring added = keyring.withNewKey(random);
    int secondId = added.entries().get(1).id();
    String token = new SessionTokenSealer(added.withPrimary(secondId), random).seal(Sessions.assumeRole());
    SessionTokenSealer disabled = new SessionTokenSealer(added.withStatus(secondId, KeyStatus.DISABLED), random);
    assertThrows(InvalidTokenException.class, () -> disabled.open(token, Sessions.AKID));
  }

  @Test
  void expiryIsLeftToTheCaller() throws Exception {
    SessionToken old = Sessions.getSessionToken();
    SessionToken opened = sealer.open(sealer.seal(old), Sessions.AKID);
    assertTrue(opened.isExpired(java.time.Clock.fixed(old.expiresAt(), java.time.ZoneOffset.UTC)));
    assertFalse(opened.isExpired(java.time.Clock.fixed(old.expiresAt().minusSeconds(1), java.time.ZoneOffset.UTC)));
  }

  @Test
  void realisticTokensStayWellUnderOneAndAHalfKilobytes() {
    int typical = sealer.seal(Sessions.assumeRole()).length();
    int largestPolicy = sealer.seal(Sessions.assumeRole(Sessions.policyOfLength(2048))).length();
    int noPolicy = sealer.seal(Sessions.getSessionToken()).length();
    System.out.printf("token sizes (base64url chars): GetSessionToken %d, AssumeRole+300-char policy %d,"
        + " AssumeRole+2048-char policy %d%n", noPolicy, typical, largestPolicy);
    assertTrue(typical < 1000, "AssumeRole, 300-char policy, 3 tags: " + typical);
    assertTrue(largestPolicy < 1536, "AssumeRole, 2048-char policy: " + largestPolicy);
    assertTrue(noPolicy < 400, "GetSessionToken: " + noPolicy);
  }

  @Test
  void anIncompressiblePolicyStillSealsWithinAKnownBound() throws Exception {
    // Worst case for the codec: nothing for deflate to find, so the policy is stored raw.
    StringBuilder noise = new StringBuilder();
    SecureRandom r = Sessions.seededRandom(7);
    while (noise.length() < 2048) {
      noise.append((char) ('!' + r.nextInt(94)));
    }
    SessionToken session = Sessions.assumeRole(noise.toString());
    String token = sealer.seal(session);
    assertEquals(session, sealer.open(token, Sessions.AKID));
    assertTrue(token.length() < 3300, "2048 random chars: " + token.length());
  }

  private static String encode(byte[] raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
