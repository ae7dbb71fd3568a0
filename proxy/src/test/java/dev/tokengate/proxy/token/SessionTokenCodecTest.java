package dev.tokengate.proxy.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The binary session encoding alone (no encryption): every field, present or absent, survives
 * encode/decode exactly; anything that is not a complete, well-formed encoding is an IOException.
 */
class SessionTokenCodecTest {

  /** A role session with every optional field set. */
  static Session full(String policy) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("team", "storage");
    tags.put("project", "tokengate");
    tags.put("cost-center", "1234");
    return new Session(
        "ASIAABCDEFGHIJKLMNOP", "abcdefghijklmnopqrstuvwxyz0123456789ABCD", "AssumeRole", PrincipalType.ASSUMED_ROLE,
        "123456789012", "sts-s3-read-only", "my-session@example.com", Instant.ofEpochSecond(1_800_000_000L),
        Instant.ofEpochSecond(1_800_003_600L), policy,
        List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/extra"), tags,
        List.of("team", "project"), "alice@example.com", Instant.ofEpochSecond(1_799_999_990L), true);
  }

  /** A GetSessionToken session: every optional field absent. */
  static Session bare() {
    return new Session("ASIAZZZZZZZZZZZZZZZZ", "secret", "GetSessionToken", PrincipalType.USER, "123456789012", "dev", null,
        Instant.EPOCH, Instant.ofEpochSecond(900), null, null, null, null, null, null, false);
  }

  /** A policy of exactly {@code length} characters; with {@code noisy}, resource names are random (compresses poorly). */
  static String policy(int length, boolean noisy) {
    Random r = new Random(length);
    StringBuilder p = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    int i = 0;
    while (p.length() < length - 140) {
      String name = noisy ? Long.toString(r.nextLong() & Long.MAX_VALUE, 36) : "bucket" + i;
      p.append(i++ == 0 ? "" : ",").append("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::")
          .append(name).append("/*\"}");
    }
    p.append(",{\"Sid\":\"");
    while (p.length() < length - 3) {
      p.append(noisy ? (char) ('a' + r.nextInt(26)) : 'x');
    }
    String s = p.append("\"}]").toString();
    assertEquals(length, s.length());
    return s;
  }

  private static Session roundTrip(Session s) throws IOException {
    return SessionTokenCodec.decode(SessionTokenCodec.encode(s));
  }

  @Test
  void everyFieldRoundTripsWithA2048CharPolicy() throws IOException {
    for (boolean noisy : new boolean[] {false, true}) {
      Session s = full(policy(2048, noisy));
      Session back = roundTrip(s);
      assertEquals(s, back);
      // Field by field too, so a failure names the field (record equality hides which one differs).
      assertEquals(s.accessKeyId(), back.accessKeyId());
      assertEquals(s.secretAccessKey(), back.secretAccessKey());
      assertEquals(s.action(), back.action());
      assertEquals(s.principalType(), back.principalType());
      assertEquals(s.accountId(), back.accountId());
      assertEquals(s.sourceName(), back.sourceName());
      assertEquals(s.sessionName(), back.sessionName());
      assertEquals(s.issuedAt(), back.issuedAt());
      assertEquals(s.expiresAt(), back.expiresAt());
      assertEquals(s.sessionPolicy(), back.sessionPolicy());
      assertEquals(s.policyArns(), back.policyArns());
      assertEquals(s.tags(), back.tags());
      assertEquals(s.transitiveTagKeys(), back.transitiveTagKeys());
      assertEquals(s.sourceIdentity(), back.sourceIdentity());
      assertEquals(s.mfaAuthenticatedAt(), back.mfaAuthenticatedAt());
      assertEquals(s.chained(), back.chained());
    }
  }

  @Test
  void absentOptionalFieldsStayAbsent() throws IOException {
    Session back = roundTrip(bare());
    assertEquals(bare(), back);
    assertNull(back.sessionName());
    assertNull(back.sessionPolicy());
    assertNull(back.sourceIdentity());
    assertNull(back.mfaAuthenticatedAt());
    assertEquals(List.of(), back.policyArns());
    assertEquals(Map.of(), back.tags());
    assertEquals(List.of(), back.transitiveTagKeys());
  }

  @Test
  void emptyStringsAreNotConfusedWithAbsentOnes() throws IOException {
    Session s = new Session("ASIAEMPTY00000000000", "s", "AssumeRole", PrincipalType.ASSUMED_ROLE, "123456789012", "role", "",
        Instant.EPOCH, Instant.ofEpochSecond(1), "", List.of(""), Map.of("empty-value", ""), List.of(), "", Instant.EPOCH, false);
    Session back = roundTrip(s);
    assertEquals(s, back);
    assertEquals("", back.sessionName());
    assertEquals("", back.sessionPolicy());
    assertEquals("", back.sourceIdentity());
    assertEquals("", back.tags().get("empty-value"));
    assertEquals(Instant.EPOCH, back.mfaAuthenticatedAt(), "MFA at epoch second 0 is a time, not 'no MFA'");
  }

  @Test
  void everyPrincipalTypeAndNonAsciiTextRoundTrip() throws IOException {
    for (PrincipalType type : PrincipalType.values()) {
      Session s = new Session("ASIAUNICODE000000000", "sécret/+=", "GetFederationToken", type, "123456789012", "üser",
          "fédéré-😀", Instant.ofEpochSecond(1_700_000_000L), Instant.ofEpochSecond(1_700_043_200L),
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ß\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
          null, Map.of("ключ", "значение"), null, null, null, false);
      assertEquals(s, roundTrip(s), type.name());
    }
  }

  @Test
  void typicalEncodingIsCompact() {
    int bare = SessionTokenCodec.encode(bare()).length;
    int typical = SessionTokenCodec.encode(full(policy(300, false))).length;
    System.out.println("SESSION ENCODING SIZE: GetSessionToken " + bare + " bytes; AssumeRole with 300-char policy and 3 tags "
        + typical + " bytes");
    assertTrue(bare < 150, "GetSessionToken encoding is " + bare + " bytes");
    assertTrue(typical < 800, "AssumeRole encoding is " + typical + " bytes");
  }

  @Test
  void everyTruncationAndAnyTrailingByteIsRejected() {
    byte[] encoded = SessionTokenCodec.encode(full(policy(300, true)));
    for (int length = 0; length < encoded.length; length++) {
      byte[] prefix = Arrays.copyOf(encoded, length);
      assertThrows(IOException.class, () -> SessionTokenCodec.decode(prefix), "prefix of " + length + " bytes");
    }
    byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
    IOException trailing = assertThrows(IOException.class, () -> SessionTokenCodec.decode(longer));
    assertEquals("trailing bytes", trailing.getMessage());
  }

  /** Offset of the principal type byte: it follows the format byte and three length-prefixed strings. */
  static int principalTypeOffset(Session s) {
    int at = 1;
    for (String field : new String[] {s.accessKeyId(), s.secretAccessKey(), s.action()}) {
      at += 2 + field.getBytes(StandardCharsets.UTF_8).length;
    }
    return at;
  }

  @Test
  void unknownFormatOrPrincipalTypeIsRejected() throws IOException {
    byte[] encoded = SessionTokenCodec.encode(bare());
    byte[] format = encoded.clone();
    format[0] = (byte) (SessionTokenCodec.FORMAT + 1);
    assertEquals("unknown session format", assertThrows(IOException.class, () -> SessionTokenCodec.decode(format)).getMessage());

    int at = principalTypeOffset(bare());
    assertEquals(1, encoded[at], "USER is wire code 1");
    for (int unknown : new int[] {8, 9, 127, 128, 255}) {
      byte[] type = encoded.clone();
      type[at] = (byte) unknown;
      IOException e = assertThrows(IOException.class, () -> SessionTokenCodec.decode(type), "code " + unknown);
      assertEquals("unknown principal type " + unknown, e.getMessage());
    }
  }

  /**
   * Sealed tokens outlive a release: each principal type's byte is fixed here, independent of the
   * enum's declaration order. Adding a constant fails this test until it is given a new code.
   */
  @Test
  void principalTypeWireCodesArePinned() throws IOException {
    Map<PrincipalType, Integer> pinned = new java.util.EnumMap<>(PrincipalType.class);
    pinned.put(PrincipalType.ACCOUNT, 0);
    pinned.put(PrincipalType.USER, 1);
    pinned.put(PrincipalType.ASSUMED_ROLE, 2);
    pinned.put(PrincipalType.FEDERATED_USER, 3);
    pinned.put(PrincipalType.ANONYMOUS, 4);
    pinned.put(PrincipalType.WEB_IDENTITY, 5);
    pinned.put(PrincipalType.SAML_USER, 6);
    pinned.put(PrincipalType.LDAP_USER, 7);
    assertEquals(java.util.EnumSet.allOf(PrincipalType.class), pinned.keySet(), "every principal type has a pinned code");
    for (Map.Entry<PrincipalType, Integer> e : pinned.entrySet()) {
      assertEquals(e.getValue(), SessionTokenCodec.wireCode(e.getKey()), e.getKey().name());
      assertEquals(e.getKey(), SessionTokenCodec.principalType(e.getValue()), "code " + e.getValue());
      Session s = new Session("ASIAPINNED0000000000", "s", "AssumeRole", e.getKey(), "123456789012", "src", "n",
          Instant.EPOCH, Instant.ofEpochSecond(900), null, null, null, null, null, null, false);
      assertEquals((byte) (int) e.getValue(), SessionTokenCodec.encode(s)[principalTypeOffset(s)], e.getKey().name());
    }
  }

  /**
   * The whole encoding of one session, byte for byte, in format 1 (tokens issued before the source
   * key was recorded must keep opening) and format 2 (what is written now).
   */
  @Test
  void formatOneEncodingIsPinned() throws IOException {
    assertEquals(bare(), SessionTokenCodec.decode(java.util.HexFormat.of().parseHex(GOLDEN_BARE)));
    String v2 = "02" + GOLDEN_BARE.substring(2) + "ffff";
    assertEquals(v2, java.util.HexFormat.of().formatHex(SessionTokenCodec.encode(bare())));
    assertEquals(bare(), SessionTokenCodec.decode(java.util.HexFormat.of().parseHex(v2)));
  }

  /** {@link #bare()} encoded by format 1 (principal type USER = 1). */
  private static final String GOLDEN_BARE =
      "010014415349415a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a0006736563726574000f47657453657373696f6e546f6b656e"
          + "01000c3132333435363738393031320003646576ffff0000000000000000000000000000038400000000000000ffffffffffffffffffff00";

  @Test
  void aFieldTooLongForItsLengthPrefixIsRefusedWhenEncoding() {
    Session huge = new Session("ASIAHUGE000000000000", "s", "AssumeRole", PrincipalType.ASSUMED_ROLE, "123456789012", "role",
        "x".repeat(0xFFFF), Instant.EPOCH, Instant.ofEpochSecond(1), null, null, null, null, null, null, false);
    assertThrows(IllegalStateException.class, () -> SessionTokenCodec.encode(huge));
  }

  /** Found by SessionTokenFuzzTest#decodeContent: an issue time beyond Instant's range escaped as DateTimeException. */
  @org.junit.jupiter.api.Test
  void timeOutOfRangeIsAnInvalidEncoding() {
    byte[] bytes = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 5};
    org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> SessionTokenCodec.decode(bytes));
  }

  @Test
  void theSourceAccessKeyRoundTrips() throws IOException {
    Session b = bare();
    Session s = new Session(b.accessKeyId(), b.secretAccessKey(), b.action(), b.principalType(), b.accountId(),
        b.sourceName(), null, b.issuedAt(), b.expiresAt(), null, null, null, null, null, null, false,
        "AKIASOURCEKEY0000001");
    assertEquals("AKIASOURCEKEY0000001", roundTrip(s).sourceAccessKeyId());
    assertNull(roundTrip(b).sourceAccessKeyId());
  }

  /** Tokens sealed before the source key was recorded (format 1) still open, without one. */
  @Test
  void aFormat1EncodingStillDecodes() throws IOException {
    Session s = full("{\"Version\":\"2012-10-17\"}");
    byte[] v2 = SessionTokenCodec.encode(s);
    assertEquals(2, v2[0]);
    // Format 1 is format 2 without the trailing source key (an absent string: 0xFFFF).
    assertEquals((byte) 0xFF, v2[v2.length - 1]);
    assertEquals((byte) 0xFF, v2[v2.length - 2]);
    byte[] v1 = Arrays.copyOf(v2, v2.length - 2);
    v1[0] = 1;
    Session back = SessionTokenCodec.decode(v1);
    assertEquals(s, back);
    assertNull(back.sourceAccessKeyId());
    byte[] v1WithTrailer = v2.clone();
    v1WithTrailer[0] = 1;
    assertThrows(IOException.class, () -> SessionTokenCodec.decode(v1WithTrailer), "format 1 has no source key");
    byte[] unknown = v2.clone();
    unknown[0] = 3;
    assertThrows(IOException.class, () -> SessionTokenCodec.decode(unknown));
  }
}
