package dev.tokengate.proxy.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives IAM unique ids ({@code AIDA…} for users, {@code AROA…} for roles) from the account and
 * name, so they are stable across restarts and replicas without stored state.
 */
final class UniqueIds {
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
}
