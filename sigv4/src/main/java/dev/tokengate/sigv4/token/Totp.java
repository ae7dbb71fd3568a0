package dev.tokengate.sigv4.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes and checks RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps from
 * the Unix epoch), as authenticator apps do for AWS virtual MFA devices.
 *
 * <p>A code is accepted in the current step and one step either side, to allow for clock drift
 * and for the time a person takes to type it. RFC 6238 §5.2 asks verifiers to accept each code
 * once; that needs state, so {@link #acceptedStep} returns the step matched and the caller
 * rejects a step at or below the last one it accepted for the device.
 */
public final class Totp {
  /** What authenticator apps show and AWS accepts ({@code TokenCode} is exactly 6 digits). */
  public static final int DEFAULT_DIGITS = 6;
  public static final long STEP_SECONDS = 30;
  /** RFC 4226 recommends at least 128 bits; 160 bits matches the HMAC-SHA1 block users expect. */
  private static final int SECRET_BYTES = 20;
  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

  private final SecretKeySpec key;
  private final int digits;
  private final Clock clock;

  /**
   * @param secret the shared secret (raw bytes, not base32)
   * @param digits code length, 6 to 8 (RFC 4226 §5.3)
   */
  public Totp(byte[] secret, int digits, Clock clock) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("TOTP secret must not be empty");
    }
    if (digits < 6 || digits > 8) {
      throw new IllegalArgumentException("TOTP digits must be 6 to 8, not " + digits);
    }
    this.key = new SecretKeySpec(secret, "HmacSHA1");
    this.digits = digits;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A 6-digit TOTP for a base32 secret as an authenticator app shows it (case, spaces and
   * padding ignored).
   *
   * @throws IllegalArgumentException if the secret is not base32
   */
  public static Totp fromBase32(String secret, Clock clock) {
    return new Totp(Base32.decode(secret), DEFAULT_DIGITS, clock);
  }

  /** A new random secret in base32, to show (or put in an otpauth:// QR code) at enrolment. */
  public static String newBase32Secret(SecureRandom random) {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    return Base32.encode(secret);
  }

  /** The code for the step containing {@code time}. */
  public String codeAt(Instant time) {
    return codeForStep(stepOf(time));
  }

  /** Whether {@code code} is valid now (current step ±1). */
  public boolean verify(String code) {
    return acceptedStep(code).isPresent();
  }

  /**
   * The time step {@code code} belongs to, if it is the current step ±1; the caller stores it to
   * refuse replays.
   */
  public OptionalLong acceptedStep(String code) {
    if (code == null || code.length() != digits) {
      return OptionalLong.empty();
    }
    byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
    long now = stepOf(clock.instant());
    for (long step = now - 1; step <= now + 1; step++) {
      // Constant-time per comparison, so timing does not reveal matching digits.
      if (MessageDigest.isEqual(presented, codeForStep(step).getBytes(StandardCharsets.US_ASCII))) {
        return OptionalLong.of(step);
      }
    }
    return OptionalLong.empty();
  }

  private static long stepOf(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
  }

  /** RFC 4226 §5.3: HMAC of the 8-byte big-endian counter, dynamic truncation, modulo. */
  private String codeForStep(long step) {
    byte[] counter = new byte[8];
    for (int i = 7; i >= 0; i--) {
      counter[i] = (byte) step;
      step >>>= 8;
    }
    byte[] hash;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(key);
      hash = mac.doFinal(counter);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is mandatory in every JDK", e);
    }
    int offset = hash[hash.length - 1] & 0x0f;
    int binary = ((hash[offset] & 0x7f) << 24)
        | ((hash[offset + 1] & 0xff) << 16)
        | ((hash[offset + 2] & 0xff) << 8)
        | (hash[offset + 3] & 0xff);
    String code = Integer.toString(binary % POWERS[digits]);
    return "0".repeat(digits - code.length()) + code;
  }
}
