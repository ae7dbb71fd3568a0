package dev.tokengate.proxy.token;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sealed tokens: they open to the same session, only for the access key they were minted for; any
 * altered byte (header, nonce, ciphertext, tag) fails with one and the same message; key rotation
 * keeps old tokens open until their key is retired; sizes stay within header limits.
 */
class SessionTokenSealerTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final String MESSAGE = "The provided token is malformed or otherwise not valid.";
  /** Layout of a sealed token (see KeyringAead): version, key id, nonce, ciphertext, 16-byte tag. */
  static final int HEADER = 5;
  static final int NONCE = 12;
  static final int TAG = 16;

  private static byte[] raw(String token) {
    return Base64.getUrlDecoder().decode(token);
  }

  private static String token(byte[] raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static int keyId(String token) {
    return ByteBuffer.wrap(raw(token), 1, 4).getInt();
  }

  private static void assertInvalid(SessionTokenSealer sealer, String token, String accessKeyId, String what) {
    InvalidSessionTokenException e =
        assertThrows(InvalidSessionTokenException.class, () -> sealer.open(token, accessKeyId), what);
    assertEquals(MESSAGE, e.getMessage(), what);
  }

  @Test
  void opensToTheSameSessionWithEveryField() throws Exception {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    for (Session s : List.of(SessionTokenCodecTest.full(SessionTokenCodecTest.policy(2048, true)), SessionTokenCodecTest.bare())) {
      String token = sealer.seal(s);
      assertTrue(token.matches("[A-Za-z0-9_-]+"), "base64url without padding, safe in a header and a query: " + token);
      assertEquals(s, sealer.open(token, s.accessKeyId()));
    }
  }

  @Test
  void everyTokenHasItsOwnNonce() throws Exception {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session s = SessionTokenCodecTest.bare();
    String a = sealer.seal(s);
    String b = sealer.seal(s);
    assertNotEquals(a, b);
    assertNotEquals(
        Arrays.toString(Arrays.copyOfRange(raw(a), HEADER, HEADER + NONCE)),
        Arrays.toString(Arrays.copyOfRange(raw(b), HEADER, HEADER + NONCE)));
    assertEquals(s, sealer.open(a, s.accessKeyId()));
    assertEquals(s, sealer.open(b, s.accessKeyId()));
  }

  @Test
  void anyAlteredByteFailsWithTheSameMessage() {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session s = SessionTokenCodecTest.full(SessionTokenCodecTest.policy(300, false));
    byte[] token = raw(sealer.seal(s));
    int ciphertextEnd = token.length - TAG;
    int[] counts = new int[4];
    for (int i = 0; i < token.length; i++) {
      String region = i < HEADER ? "header" : i < HEADER + NONCE ? "nonce" : i < ciphertextEnd ? "ciphertext" : "tag";
      counts[i < HEADER ? 0 : i < HEADER + NONCE ? 1 : i < ciphertextEnd ? 2 : 3]++;
      for (int flip : new int[] {0x01, 0x80, 0xFF}) {
        byte[] altered = token.clone();
        altered[i] ^= (byte) flip;
        assertInvalid(sealer, token(altered), s.accessKeyId(), region + " byte " + i + " ^ " + flip);
      }
    }
    assertEquals(HEADER, counts[0]);
    assertEquals(NONCE, counts[1]);
    assertTrue(counts[2] > 100, "ciphertext bytes tested: " + counts[2]);
    assertEquals(TAG, counts[3]);
  }

  /** A well-sealed token whose principal type code no release defines is as invalid as any other. */
  @Test
  void anUnknownPrincipalTypeCodeIsAnInvalidToken() {
    Keyring keyring = Keyring.generate(RANDOM);
    KeyringAead aead = new KeyringAead(keyring, RANDOM);
    SessionTokenSealer sealer = new SessionTokenSealer(aead);
    Session s = SessionTokenCodecTest.bare();
    byte[] plain = SessionTokenCodec.encode(s);
    plain[SessionTokenCodecTest.principalTypeOffset(s)] = 9;
    String token = aead.seal(plain, SessionTokenSealer.associatedData(s.accessKeyId()));
    assertInvalid(sealer, token, s.accessKeyId(), "principal type code 9");
    plain[SessionTokenCodecTest.principalTypeOffset(s)] = 1;
    String control = aead.seal(plain, SessionTokenSealer.associatedData(s.accessKeyId()));
    assertDoesNotThrow(() -> sealer.open(control, s.accessKeyId()), "the same token with code 1 (USER) opens");
  }

  @Test
  void malformedTokensFailWithTheSameMessage() {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session s = SessionTokenCodecTest.bare();
    String good = sealer.seal(s);
    byte[] raw = raw(good);
    assertInvalid(sealer, "", s.accessKeyId(), "empty");
    assertInvalid(sealer, "not a token!", s.accessKeyId(), "not base64url");
    assertInvalid(sealer, good.replace('-', '+').replace('_', '/') + "+/", s.accessKeyId(), "standard base64 alphabet");
    assertInvalid(sealer, token(Arrays.copyOf(raw, raw.length - 1)), s.accessKeyId(), "last byte cut");
    assertInvalid(sealer, token(Arrays.copyOf(raw, raw.length + 1)), s.accessKeyId(), "a byte appended");
    assertInvalid(sealer, token(Arrays.copyOf(raw, HEADER + NONCE + TAG - 1)), s.accessKeyId(), "shorter than header+nonce+tag");
    assertInvalid(sealer, token(Arrays.copyOf(raw, HEADER + NONCE + TAG)), s.accessKeyId(), "empty ciphertext");
  }

  @Test
  void aTokenOpensOnlyForItsOwnAccessKey() throws Exception {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session s = SessionTokenCodecTest.bare();
    String token = sealer.seal(s);
    assertInvalid(sealer, token, "ASIAOTHERKEY00000000", "another access key");
    assertInvalid(sealer, token, s.accessKeyId().toLowerCase(), "the access key in another case");
    assertInvalid(sealer, token, s.accessKeyId() + " ", "the access key with a trailing space");
    assertInvalid(sealer, token, "", "an empty access key");
    // A second session's token does not open with the first session's key either.
    Session other = new Session("ASIAOTHERKEY00000000", "x", "GetSessionToken", PrincipalType.USER, "123456789012", "dev", null,
        Instant.EPOCH, Instant.ofEpochSecond(900), null, null, null, null, null, null, false);
    assertInvalid(sealer, sealer.seal(other), s.accessKeyId(), "a token minted for another key");
    assertEquals(s, sealer.open(token, s.accessKeyId()));
  }

  @Test
  void aTokenOpensOnlyUnderItsOwnKeyMaterial() {
    Keyring mine = Keyring.generate(RANDOM);
    byte[] otherMaterial = new byte[32];
    RANDOM.nextBytes(otherMaterial);
    // Same key id, different material: the id in the header is no shortcut.
    Keyring impostor = new Keyring(List.of(new Keyring.Key(mine.primary().id(), otherMaterial, true)));
    Session s = SessionTokenCodecTest.bare();
    String token = new SessionTokenSealer(mine, RANDOM).seal(s);
    assertInvalid(new SessionTokenSealer(impostor, RANDOM), token, s.accessKeyId(), "same key id, other material");
    assertInvalid(new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM), token, s.accessKeyId(), "unrelated keyring");
  }

  @Test
  void rotationKeepsOldTokensUntilTheirKeyIsRetired() throws Exception {
    Session s = SessionTokenCodecTest.full(SessionTokenCodecTest.policy(300, false));
    Keyring before = Keyring.generate(RANDOM);
    String old = new SessionTokenSealer(before, RANDOM).seal(s);
    assertEquals(before.primary().id(), keyId(old));

    Keyring rotated = before.rotate(RANDOM);
    SessionTokenSealer afterRotation = new SessionTokenSealer(rotated, RANDOM);
    assertEquals(s, afterRotation.open(old, s.accessKeyId()), "an old token opens after rotation");
    String fresh = afterRotation.seal(s);
    assertEquals(rotated.primary().id(), keyId(fresh), "new tokens carry the new primary's id");
    assertNotEquals(before.primary().id(), keyId(fresh));
    assertEquals(s, afterRotation.open(fresh, s.accessKeyId()));
    // A replica still on the old keyring cannot open tokens of a key it does not have.
    assertInvalid(new SessionTokenSealer(before, RANDOM), fresh, s.accessKeyId(), "new token on a replica with the old keyring");

    SessionTokenSealer retired = new SessionTokenSealer(rotated.retireAllButPrimary(), RANDOM);
    assertInvalid(retired, old, s.accessKeyId(), "token of a retired key");
    assertEquals(s, retired.open(fresh, s.accessKeyId()));
  }

  @Test
  void tokensStayWithinHeaderLimits() throws Exception {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session getSessionToken = new Session("ASIAQ3EGRFCJ4EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "GetSessionToken",
        PrincipalType.USER, "123456789012", "dev", null, Instant.ofEpochSecond(1_800_000_000L),
        Instant.ofEpochSecond(1_800_043_200L), null, null, null, null, null, null, false);
    Map<String, String> tags = Map.of("team", "storage", "project", "tokengate", "cost-center", "1234");
    Session assumeRole = new Session("ASIAQ3EGRFCJ4EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AssumeRole",
        PrincipalType.ASSUMED_ROLE, "123456789012", "sts-s3-read-only", "nightly-backup-job",
        Instant.ofEpochSecond(1_800_000_000L), Instant.ofEpochSecond(1_800_003_600L), SessionTokenCodecTest.policy(300, false),
        null, tags, null, null, null, false);
    Session largest = new Session("ASIAQ3EGRFCJ4EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AssumeRole",
        PrincipalType.ASSUMED_ROLE, "123456789012", "sts-s3-read-only", "nightly-backup-job",
        Instant.ofEpochSecond(1_800_000_000L), Instant.ofEpochSecond(1_800_003_600L), SessionTokenCodecTest.policy(2048, true),
        null, tags, null, null, null, false);
    String gst = sealer.seal(getSessionToken);
    String typical = sealer.seal(assumeRole);
    String big = sealer.seal(largest);
    System.out.println("SESSION TOKEN SIZE: GetSessionToken " + gst.length() + " chars; AssumeRole (300-char policy, 3 tags) "
        + typical.length() + " chars; AssumeRole (2048-char random-ish policy, 3 tags) " + big.length() + " chars");
    assertTrue(typical.length() < 1500, "AssumeRole token is " + typical.length() + " chars");
    assertTrue(big.length() < 4096, "2048-char policy token is " + big.length() + " chars");
    assertTrue(gst.length() < typical.length());
    assertEquals(assumeRole, sealer.open(typical, assumeRole.accessKeyId()));
    assertEquals(largest, sealer.open(big, largest.accessKeyId()));
  }
}
