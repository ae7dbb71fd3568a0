package dev.tokengate.proxy.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sealed session tokens: every fact round-trips; any altered byte or foreign key fails alike; tokens stay small. */
class SessionTokenSealingTest {
  static final SecureRandom RANDOM = new SecureRandom();

  static Session session(String policy, Map<String, String> tags) {
    return new Session(
        "ASIAABCDEFGHIJKLMNOP", "abcdefghijklmnopqrstuvwxyz0123456789ABCD", "AssumeRole", PrincipalType.ASSUMED_ROLE,
        "123456789012", "sts-s3-read-only", "mytestsession", Instant.ofEpochSecond(1_800_000_000L),
        Instant.ofEpochSecond(1_800_003_600L), policy, List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), tags,
        List.of("team"), "alice@example.com", Instant.ofEpochSecond(1_799_999_990L), true);
  }

  static String policy(int length) {
    StringBuilder p = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    int i = 0;
    while (p.length() < length - 120) {
      p.append(i == 0 ? "" : ",").append("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b")
          .append(i++).append("/*\"}");
    }
    return p.append("]}").toString();
  }

  static Map<String, String> tags() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("team", "storage");
    tags.put("project", "tokengate");
    tags.put("cost-center", "1234");
    return tags;
  }

  @Test
  void everyFactRoundTrips() throws Exception {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session s = session(policy(300), tags());
    assertEquals(s, sealer.open(sealer.seal(s), s.accessKeyId()));
    Session bare =
        new Session("ASIAZZZZZZZZZZZZZZZZ", "secret", "GetSessionToken", PrincipalType.USER, "123456789012", "dev", null,
            Instant.EPOCH, Instant.ofEpochSecond(900), null, null, null, null, null, null, false);
    assertEquals(bare, sealer.open(sealer.seal(bare), bare.accessKeyId()));
  }

  @Test
  void anyAlteredByteOrForeignKeyFailsTheSameWay() {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    Session s = session(policy(300), tags());
    byte[] token = Base64.getUrlDecoder().decode(sealer.seal(s));
    for (int i = 0; i < token.length; i++) {
      byte[] altered = token.clone();
      altered[i] ^= 0x01;
      String t = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
      InvalidSessionTokenException e = assertThrows(InvalidSessionTokenException.class, () -> sealer.open(t, s.accessKeyId()));
      assertEquals("The provided token is malformed or otherwise not valid.", e.getMessage());
    }
    String good = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    assertThrows(InvalidSessionTokenException.class, () -> sealer.open(good, "ASIAOTHERKEY00000000"));
    assertThrows(InvalidSessionTokenException.class, () -> sealer.open("not a token!", s.accessKeyId()));
    assertThrows(InvalidSessionTokenException.class, () -> sealer.open(good.substring(0, 20), s.accessKeyId()));
  }

  @Test
  void aTokenDoesNotOpenAsAnotherKindOfSealedBlob() {
    Keyring keyring = Keyring.generate(RANDOM);
    KeyringAead aead = new KeyringAead(keyring, RANDOM);
    String token = new SessionTokenSealer(aead).seal(session(null, Map.of()));
    assertThrows(KeyringAead.NotOpened.class, () -> aead.open(token, "tokengate authorization message".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void tokensStaySmall() {
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
    int typical = sealer.seal(session(policy(300), tags())).length();
    int largest = sealer.seal(session(policy(2048), tags())).length();
    System.out.println("SESSION TOKEN SIZE: typical AssumeRole (300-char policy, 3 tags) " + typical
        + " chars; with a 2048-char policy " + largest + " chars");
    assertTrue(typical < 1500, "typical token is " + typical + " chars");
    assertTrue(largest < 1500, "a 2048-char policy compresses well; token is " + largest + " chars");
    // An incompressible policy is the worst case: still bounded.
    Random r = new Random(1);
    StringBuilder noise = new StringBuilder("{\"Version\":\"2012-10-17\",\"Id\":\"");
    while (noise.length() < 2040) {
      noise.append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36));
    }
    int worst = sealer.seal(session(noise.append("\"}").toString(), tags())).length();
    assertTrue(worst < 4096, "worst case token is " + worst + " chars");
  }

  @Test
  void keyringRulesAndTextForm() {
    byte[] key = new byte[32];
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> new Keyring(List.of(new Keyring.Key(1, key, false))));
    assertEquals("keyring must have exactly one primary key, has 0", none.getMessage());
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
        () -> new Keyring(List.of(new Keyring.Key(1, key, true), new Keyring.Key(2, key, true))));
    assertEquals("keyring must have exactly one primary key, has 2", two.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> new Keyring(List.of(new Keyring.Key(1, key, true), new Keyring.Key(1, key, false))));
    assertEquals("keyring has key id 1 twice", dup.getMessage());
    IllegalArgumentException shortKey =
        assertThrows(IllegalArgumentException.class, () -> new Keyring(List.of(new Keyring.Key(3, new byte[31], true))));
    assertEquals("keyring key 3 must be 32 bytes (AES-256), got 31", shortKey.getMessage());

    Keyring rotated = Keyring.generate(RANDOM).rotate(RANDOM);
    Keyring parsed = Keyring.parse(rotated.toText());
    assertEquals(rotated.primary().id(), parsed.primary().id());
    assertEquals(rotated.toText(), parsed.toText());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Keyring.parse("7 primary\n"));
    assertTrue(bad.getMessage().startsWith("keyring line 1 must be"), bad.getMessage());
  }
}
