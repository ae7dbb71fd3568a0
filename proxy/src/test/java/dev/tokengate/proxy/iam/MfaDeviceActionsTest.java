package dev.tokengate.proxy.iam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.sts.Totp;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The seed's encoding and EnableMFADevice's "two consecutive codes" rule, at a fixed clock. */
class MfaDeviceActionsTest {
  private static final String SEED = "JBSWY3DPEHPK3PXP";
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:10Z");
  private static final long STEP = NOW.getEpochSecond() / 30;

  private final MfaDeviceActions actions =
      new MfaDeviceActions(null, null, null, null, Clock.fixed(NOW, ZoneOffset.UTC));
  private final Totp totp = new Totp(6);

  private String code(long step) {
    return totp.code(Totp.base32(SEED), step);
  }

  @Test
  void base32MatchesRfc4648AndRoundTripsThroughTotpsDecoder() {
    assertEquals("MZXW6YTBOI", MfaDeviceActions.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("MY", MfaDeviceActions.base32("f".getBytes(StandardCharsets.US_ASCII)));
    byte[] raw = new byte[40];
    new SecureRandom().nextBytes(raw);
    String encoded = MfaDeviceActions.base32(raw);
    assertEquals(64, encoded.length());
    assertArrayEquals(raw, Totp.base32(encoded));
  }

  @Test
  void twoConsecutiveCodesEndingNearNowAreAcceptedAndTheFirstStepReturned() {
    assertEquals(STEP - 1, actions.consecutive(SEED, code(STEP - 1), code(STEP)));
    assertEquals(STEP - 2, actions.consecutive(SEED, code(STEP - 2), code(STEP - 1)));
    assertEquals(STEP, actions.consecutive(SEED, code(STEP), code(STEP + 1)));
  }

  @Test
  void reversedRepeatedStaleOrFutureCodesAreRefused() {
    assertEquals(-1, actions.consecutive(SEED, code(STEP), code(STEP - 1)));
    assertEquals(-1, actions.consecutive(SEED, code(STEP), code(STEP)));
    assertEquals(-1, actions.consecutive(SEED, code(STEP - 3), code(STEP - 2)));
    assertEquals(-1, actions.consecutive(SEED, code(STEP + 1), code(STEP + 2)));
    assertEquals(-1, actions.consecutive(SEED, code(STEP - 1), code(STEP + 1)));
  }
}
