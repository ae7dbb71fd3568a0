package dev.tokengate.sigv4.token;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Makes random access key ids and secrets in AWS's shapes: {@code ASIA} (temporary) or {@code
 * AKIA} (long-term) followed by 16 characters of {@code [A-Z2-7]}, and 40-character secrets.
 *
 * <p>The 16 characters are 80 random bits, so ids need no registry to be unique; the sealer
 * relies on that when it binds a token to its access key id. Secrets are 30 random bytes in
 * standard base64 (no padding at that length), the alphabet AWS secrets use.
 */
public final class AccessKeyGenerator {
  public static final String TEMPORARY_PREFIX = "ASIA";
  public static final String LONG_TERM_PREFIX = "AKIA";

  private final SecureRandom random;

  public AccessKeyGenerator(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** {@code ASIA} + 16 random base32 characters, for an STS session. */
  public String temporaryAccessKeyId() {
    return TEMPORARY_PREFIX + randomBase32(10);
  }

  /** {@code AKIA} + 16 random base32 characters, for an IAM user's access key. */
  public String longTermAccessKeyId() {
    return LONG_TERM_PREFIX + randomBase32(10);
  }

  /** 40 characters of {@code [A-Za-z0-9+/]}: 240 random bits. */
  public String secretAccessKey() {
    byte[] bytes = new byte[30];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Whether an access key id names an STS session (and so must come with a session token). */
  public static boolean isTemporary(String accessKeyId) {
    return accessKeyId.startsWith(TEMPORARY_PREFIX);
  }

  private String randomBase32(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base32.encode(b);
  }
}
