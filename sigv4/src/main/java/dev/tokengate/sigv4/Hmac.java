package dev.tokengate.sigv4;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 and HMAC-SHA1 with one {@link Mac} per thread and algorithm, because {@code
 * Mac.getInstance} walks the provider list and is too slow for the per-request and per-chunk path.
 */
public final class Hmac {

  private static final ThreadLocal<Mac> SHA256 = ThreadLocal.withInitial(() -> newMac("HmacSHA256"));
  private static final ThreadLocal<Mac> SHA1 = ThreadLocal.withInitial(() -> newMac("HmacSHA1"));

  private Hmac() {}

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] sha256(byte[] key, byte[] data) {
    return compute(SHA256.get(), "HmacSHA256", key, data);
  }

  /** HMAC-SHA1 of {@code data} under {@code key} (SigV2). */
  public static byte[] sha1(byte[] key, byte[] data) {
    return compute(SHA1.get(), "HmacSHA1", key, data);
  }

  private static byte[] compute(Mac mac, String algorithm, byte[] key, byte[] data) {
    try {
      mac.init(new SecretKeySpec(key, algorithm));
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("an HMAC key must be non-empty", e);
    }
    return mac.doFinal(data);
  }

  private static Mac newMac(String algorithm) {
    try {
      return Mac.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide " + algorithm, e);
    }
  }
}
