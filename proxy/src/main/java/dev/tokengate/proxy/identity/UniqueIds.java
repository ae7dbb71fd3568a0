package dev.tokengate.proxy.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Derives IAM unique ids ({@code AIDA…} for users, {@code AROA…} for roles) from the account and
 * name, so they are stable across restarts and replicas without stored state; identities created
 * through the IAM API get {@link #random} ones, kept with them, so a re-created name is a new
 * identity (as on AWS).
 */
public final class UniqueIds {
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private UniqueIds() {}

  static String of(String prefix, String accountId, String name) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest((prefix + ':' + accountId + ':' + name).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; id.length() < 21; i++) {
      id.append(BASE32[(digest[i] & 0xff) % 32]);
    }
    return id.toString();
  }

  /** A fresh id: the prefix and 17 random base-32 characters. */
  public static String random(String prefix, SecureRandom random) {
    StringBuilder id = new StringBuilder(prefix);
    while (id.length() < 21) {
      id.append(BASE32[random.nextInt(32)]);
    }
    return id.toString();
  }
}
