package dev.tokengate.proxy.sts;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords as authenticator apps make them (HMAC-SHA1, 30 s steps,
 * base32 seed), accepting the previous and next step for clock drift.
 */
public final class Totp implements MfaVerifier {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private final int digits;

  public Totp(int digits) {
    this.digits = digits;
  }

  @Override
  public long matchingStep(String base32Secret, String code, Instant now) {
    byte[] key = base32(base32Secret);
    long step = now.getEpochSecond() / 30;
    long matched = -1;
    for (long s = step - 1; s <= step + 1; s++) {
      // Compare every candidate, in constant time, so timing says nothing about which step matched.
      boolean equal = MessageDigest.isEqual(code(key, s).getBytes(), code.getBytes());
      matched = equal && matched < 0 ? s : matched;
    }
    return matched;
  }

  /** The code for one 30-second step counter. */
  public String code(byte[] key, long step) {
    byte[] hash;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 must be available in every JDK", e);
    }
    int offset = hash[hash.length - 1] & 0x0f;
    int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
        | (hash[offset + 3] & 0xff);
    int mod = (int) Math.pow(10, digits);
    return String.format("%0" + digits + "d", binary % mod);
  }

  /** Decodes base32 (RFC 4648), ignoring padding, spaces and case. */
  public static byte[] base32(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
      if (c == '=' || c == ' ') {
        continue;
      }
      int value = BASE32.indexOf(c);
      if (value < 0) {
        throw new IllegalArgumentException("not a base32 character: " + c);
      }
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
