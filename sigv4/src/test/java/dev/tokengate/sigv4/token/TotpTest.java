package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TotpTest {
  /** RFC 6238 Appendix B's SHA-1 seed. */
  private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  /** The same seed as base32, as an authenticator app would be given it. */
  private static final String RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  private static Clock at(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  @ParameterizedTest(name = "T={0}s -> {1}")
  @CsvSource({
      "59, 94287082",
      "1111111109, 07081804",
      "1111111111, 14050471",
      "1234567890, 89005924",
      "2000000000, 69279037",
      "20000000000, 65353130"})
  void matchesRfc6238AppendixBSha1Vectors(long time, String expected) {
    Totp totp = new Totp(RFC_SEED, 8, at(time));
    assertEquals(expected, totp.codeAt(Instant.ofEpochSecond(time)));
    assertTrue(totp.verify(expected));
  }

  @Test
  void sixDigitCodesAreTheLowDigitsAndKeepLeadingZeros() {
    Totp totp = Totp.fromBase32(RFC_SEED_BASE32, at(1111111109));
    assertEquals("081804", totp.codeAt(Instant.ofEpochSecond(1111111109)));
    assertTrue(totp.verify("081804"));
    assertFalse(totp.verify("81804"), "leading zero is part of the code");
  }

  @Test
  void parsesBase32AsAuthenticatorAppsShowIt() {
    Totp fromApp = Totp.fromBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", at(59));
    assertEquals("287082", fromApp.codeAt(Instant.ofEpochSecond(59)));
    assertThrows(IllegalArgumentException.class, () -> Totp.fromBase32("GEZDGNBV1", at(59)), "1 is not base32");
  }

  @Test
  void acceptsOneStepEitherSideAndNoMore() {
    Totp totp = new Totp(RFC_SEED, 6, at(1_000_000_000)); // step 33333333, 10 s into it
    String previous = totp.codeAt(Instant.ofEpochSecond(1_000_000_000 - 30));
    String next = totp.codeAt(Instant.ofEpochSecond(1_000_000_000 + 30));
    assertEquals(OptionalLong.of(33333332), totp.acceptedStep(previous));
    assertEquals(OptionalLong.of(33333334), totp.acceptedStep(next));
    assertFalse(totp.verify(totp.codeAt(Instant.ofEpochSecond(1_000_000_000 - 60))));
    assertFalse(totp.verify(totp.codeAt(Instant.ofEpochSecond(1_000_000_000 + 60))));
  }

  @Test
  void rejectsMalformedCodes() {
    Totp totp = new Totp(RFC_SEED, 6, at(59));
    for (String bad : new String[] {null, "", "28708", "2870821", "abcdef", "287 82"}) {
      assertFalse(totp.verify(bad), String.valueOf(bad));
    }
  }

  @Test
  void validatesItsConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> new Totp(RFC_SEED, 5, at(0)));
    assertThrows(IllegalArgumentException.class, () -> new Totp(RFC_SEED, 9, at(0)));
    assertThrows(IllegalArgumentException.class, () -> new Totp(new byte[0], 6, at(0)));
  }

  @Test
  void newSecretsAre160BitBase32() {
    String secret = Totp.newBase32Secret(Sessions.seededRandom(2));
    assertTrue(secret.matches("[A-Z2-7]{32}"), secret);
    Totp totp = Totp.fromBase32(secret, at(59));
    assertTrue(totp.verify(totp.codeAt(Instant.ofEpochSecond(59))));
  }
}
