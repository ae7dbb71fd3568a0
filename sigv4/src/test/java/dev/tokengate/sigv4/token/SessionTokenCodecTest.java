package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTokenCodecTest {

  private static SessionToken roundTrip(SessionToken s) throws InvalidTokenException {
    SessionTokenCodec.Plaintext p = SessionTokenCodec.encode(s);
    return SessionTokenCodec.decode(p.bytes(), 0, p.length(), s.accessKeyId());
  }

  @Test
  void roundTripsEveryField() throws Exception {
    assertEquals(Sessions.assumeRole(), roundTrip(Sessions.assumeRole()));
    assertEquals(Sessions.getSessionToken(), roundTrip(Sessions.getSessionToken()));
    String unicode = "{\"Statement\":[{\"Sid\":\"écoute-ß-日本\"}]}".repeat(3);
    assertEquals(Sessions.assumeRole(unicode), roundTrip(Sessions.assumeRole(unicode)));
    assertEquals(Sessions.assumeRole("{}"), roundTrip(Sessions.assumeRole("{}")));
  }

  @Test
  void takesTheAccessKeyIdFromTheCaller() throws Exception {
    SessionTokenCodec.Plaintext p = SessionTokenCodec.encode(Sessions.assumeRole());
    assertEquals("ASIAOTHER", SessionTokenCodec.decode(p.bytes(), 0, p.length(), "ASIAOTHER").accessKeyId());
  }

  @Test
  void deflatesARealisticPolicy() {
    String policy = Sessions.policyOfLength(2048);
    int withPolicy = SessionTokenCodec.encode(Sessions.assumeRole(policy)).length();
    int withEmptyPolicy = SessionTokenCodec.encode(Sessions.assumeRole("")).length();
    assertTrue(withPolicy - withEmptyPolicy < 2048 / 2, "policy took " + (withPolicy - withEmptyPolicy) + " bytes");
  }

  @Test
  void refusesToSealAnOversizedPolicy() {
    String huge = "x".repeat(SessionTokenCodec.MAX_POLICY_BYTES + 1);
    assertThrows(IllegalArgumentException.class, () -> SessionTokenCodec.encode(Sessions.assumeRole(huge)));
  }

  @Test
  void everyTruncationAndTrailingByteIsRejected() {
    SessionTokenCodec.Plaintext p = SessionTokenCodec.encode(Sessions.assumeRole());
    for (int len = 0; len < p.length(); len++) {
      int n = len;
      assertThrows(InvalidTokenException.class, () -> SessionTokenCodec.decode(p.bytes(), 0, n, "A"), "length " + len);
    }
    byte[] longer = Arrays.copyOf(p.bytes(), p.length() + 1);
    assertEquals("1 trailing bytes after the session",
        assertThrows(InvalidTokenException.class, () -> SessionTokenCodec.decode(longer, 0, longer.length, "A"))
            .debugReason());
  }

  @Test
  void rejectsUnknownVersionFlagsAndCodes() {
    SessionTokenCodec.Plaintext p = SessionTokenCodec.encode(Sessions.getSessionToken());
    assertEquals("unknown codec version 2", reasonWithByte(p, 0, 2));
    assertEquals("unknown action 99 or principal type 1", reasonWithByte(p, 1, 99));
    assertEquals("unknown action 1 or principal type 0", reasonWithByte(p, 2, 0));
    assertEquals("unknown flags 10000000", reasonWithByte(p, 3, 0x80));
  }

  @Test
  void aLyingInflatedLengthIsRejected() {
    SessionToken s = Sessions.assumeRole(Sessions.policyOfLength(200));
    SessionTokenCodec.Plaintext p = SessionTokenCodec.encode(s);
    byte[] b = Arrays.copyOf(p.bytes(), p.length());
    assertEquals(1 << 4, b[3] & (1 << 4), "fixture policy is deflated");
    // Without policy, lists or source identity, the encoding is the part before the policy
    // followed by three empty-list counts.
    SessionToken bare = new SessionToken(s.accessKeyId(), s.secretAccessKey(), s.action(),
        s.principalType(), s.principalArn(), s.sourceArn(), s.userId(), s.accountId(), s.issuedAt(),
        s.expiresAt(), null, null, null, null, null, s.mfaAuthenticated(), s.mfaAuthenticatedAt(), s.chained());
    int at = SessionTokenCodec.encode(bare).length() - 3;
    assertEquals(200, (b[at] & 0x7f) | (b[at + 1] << 7), "declared length varint");
    b[at] = (byte) (b[at] + 1);
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> SessionTokenCodec.decode(b, 0, b.length, "A"));
    assertEquals("session policy does not inflate to 201 bytes", e.debugReason());
  }

  @Test
  void codesAreUniqueAndStable() {
    Set<Integer> codes = new HashSet<>();
    for (StsAction a : StsAction.values()) {
      assertTrue(codes.add(a.code()));
      assertEquals(a, StsAction.ofCode(a.code()));
    }
    assertEquals(List.of(1, 2, 3, 4, 5), Arrays.stream(StsAction.values()).map(StsAction::code).toList());
    assertEquals(List.of(1, 2, 3, 4),
        Arrays.stream(SessionToken.PrincipalType.values()).map(SessionToken.PrincipalType::code).toList());
  }

  private static String reasonWithByte(SessionTokenCodec.Plaintext p, int index, int value) {
    byte[] b = Arrays.copyOf(p.bytes(), p.length());
    b[index] = (byte) value;
    return assertThrows(InvalidTokenException.class, () -> SessionTokenCodec.decode(b, 0, b.length, "A"))
        .debugReason();
  }
}
