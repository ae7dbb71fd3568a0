package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 6238 Appendix B (SHA-1 rows) and the ±1 step window. */
class TotpRfc6238Test {
  static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @Test
  void appendixBVectors() {
    Totp totp = new Totp(8);
    long[][] vectors = {
      {59L, 94287082L}, {1111111109L, 7081804L}, {1111111111L, 14050471L},
      {1234567890L, 89005924L}, {2000000000L, 69279037L}, {20000000000L, 65353130L}
    };
    for (long[] v : vectors) {
      assertEquals(String.format("%08d", v[1]), totp.code(SEED, v[0] / 30), "T=" + v[0]);
    }
  }

  @Test
  void acceptsNeighbouringStepsOnly() {
    Totp totp = new Totp(6);
    String secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // base32 of the RFC seed
    assertArrayEquals(SEED, Totp.base32(secret));
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    long step = now.getEpochSecond() / 30;
    assertTrue(totp.verify(secret, totp.code(SEED, step), now));
    assertTrue(totp.verify(secret, totp.code(SEED, step - 1), now));
    assertTrue(totp.verify(secret, totp.code(SEED, step + 1), now));
    assertFalse(totp.verify(secret, totp.code(SEED, step + 2), now));
    assertFalse(totp.verify(secret, totp.code(SEED, step - 2), now));
  }

  @Test
  void base32IgnoresCaseAndPadding() {
    assertArrayEquals(
        new byte[] {'H', 'e', 'l', 'l', 'o', '!', (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF},
        Totp.base32("jbswy3dpehpk3pxp"));
  }
}
