package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 6238 (Appendix B, SHA-1), the ±1 step window of {@code verify}, and RFC 4648 base32 seeds. */
class TotpTest {
  static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  /** base32 of SEED. */
  static final String SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  @Test
  void rfc6238AppendixBSha1Vectors() {
    Totp totp = new Totp(8);
    assertEquals("94287082", totp.code(SEED, 59L / 30));
    assertEquals("07081804", totp.code(SEED, 1111111109L / 30));
    assertEquals("14050471", totp.code(SEED, 1111111111L / 30));
    assertEquals("89005924", totp.code(SEED, 1234567890L / 30));
    assertEquals("69279037", totp.code(SEED, 2000000000L / 30));
    assertEquals("65353130", totp.code(SEED, 20000000000L / 30));
  }

  @Test
  void sixDigitCodesAreTheLastSixDigitsZeroPadded() {
    // RFC 4226 truncation: the 6-digit code is the 8-digit one mod 10^6 (kept with its leading zero).
    assertEquals("287082", new Totp(6).code(SEED, 1));
    assertEquals("081804", new Totp(6).code(SEED, 1111111109L / 30));
  }

  @Test
  void verifyAcceptsThePreviousAndNextStepOnly() {
    Totp totp = new Totp(8);
    for (long t : new long[] {1111111109L, 1111111111L, 1234567890L, 2000000000L}) {
      Instant now = Instant.ofEpochSecond(t);
      long step = t / 30;
      assertTrue(totp.verify(SEED_BASE32, totp.code(SEED, step), now), "current step at T=" + t);
      assertTrue(totp.verify(SEED_BASE32, totp.code(SEED, step - 1), now), "previous step at T=" + t);
      assertTrue(totp.verify(SEED_BASE32, totp.code(SEED, step + 1), now), "next step at T=" + t);
      assertFalse(totp.verify(SEED_BASE32, totp.code(SEED, step - 2), now), "two steps back at T=" + t);
      assertFalse(totp.verify(SEED_BASE32, totp.code(SEED, step + 2), now), "two steps ahead at T=" + t);
    }
  }

  @Test
  void theWindowFollowsStepBoundaries() {
    Totp totp = new Totp(8);
    // T=59 is step 1; T=60 is step 2. Step 0's code is the previous step at 59 s, two back at 60 s.
    String step0 = totp.code(SEED, 0);
    assertTrue(totp.verify(SEED_BASE32, step0, Instant.ofEpochSecond(59)));
    assertFalse(totp.verify(SEED_BASE32, step0, Instant.ofEpochSecond(60)));
    assertTrue(totp.verify(SEED_BASE32, "94287082", Instant.ofEpochSecond(59)));
  }

  @Test
  void verifyRejectsCodesOfTheWrongShape() {
    Totp totp = new Totp(6);
    Instant now = Instant.ofEpochSecond(1234567890L);
    String code = totp.code(SEED, now.getEpochSecond() / 30);
    assertTrue(totp.verify(SEED_BASE32, code, now));
    assertFalse(totp.verify(SEED_BASE32, new Totp(8).code(SEED, now.getEpochSecond() / 30), now), "8 digits to a 6-digit check");
    assertFalse(totp.verify(SEED_BASE32, code.substring(1), now), "a digit short");
    assertFalse(totp.verify(SEED_BASE32, code + "0", now), "a digit long");
    assertFalse(totp.verify(SEED_BASE32, "", now));
    assertFalse(totp.verify("JBSWY3DPEHPK3PXP", code, now), "the code of another seed");
  }

  @Test
  void base32DecodesRfc4648() {
    assertArrayEquals(
        new byte[] {'H', 'e', 'l', 'l', 'o', '!', (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF},
        Totp.base32("JBSWY3DPEHPK3PXP"));
    assertArrayEquals(Totp.base32("JBSWY3DPEHPK3PXP"), Totp.base32("jbsw y3dp ehpk 3pxp"), "case and spaces are ignored");
    assertArrayEquals(SEED, Totp.base32(SEED_BASE32));
    // RFC 4648 section 10 vectors, with padding.
    assertArrayEquals("f".getBytes(StandardCharsets.US_ASCII), Totp.base32("MY======"));
    assertArrayEquals("fo".getBytes(StandardCharsets.US_ASCII), Totp.base32("MZXQ===="));
    assertArrayEquals("foo".getBytes(StandardCharsets.US_ASCII), Totp.base32("MZXW6==="));
    assertArrayEquals("foob".getBytes(StandardCharsets.US_ASCII), Totp.base32("MZXW6YQ="));
    assertArrayEquals("fooba".getBytes(StandardCharsets.US_ASCII), Totp.base32("MZXW6YTB"));
    assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Totp.base32("MZXW6YTBOI======"));
    assertArrayEquals(new byte[0], Totp.base32(""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Totp.base32("JBSWY3DP1"));
    assertEquals("not a base32 character: 1", e.getMessage());
  }
}
