package dev.tokengate.proxy.identity;

import java.security.SecureRandom;

/**
 * Generates access key ids and secrets in AWS's shapes: {@code AKIA}/{@code ASIA} and 16 base32
 * characters; 40-character secrets.
 */
public final class AccessKeys {
  private static final char[] KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] SECRET_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private final SecureRandom random;

  public AccessKeys(SecureRandom random) {
    this.random = random;
  }

  public String longTermAccessKeyId() {
    return "AKIA" + random(KEY_ID_CHARS, 16);
  }

  public String temporaryAccessKeyId() {
    return "ASIA" + random(KEY_ID_CHARS, 16);
  }

  public String secretAccessKey() {
    return random(SECRET_CHARS, 40);
  }

  private String random(char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
