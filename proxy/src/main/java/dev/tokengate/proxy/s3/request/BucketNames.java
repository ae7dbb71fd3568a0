package dev.tokengate.proxy.s3.request;

/**
 * S3 bucket-name rules. Addressing an existing bucket accepts the legacy us-east-1 forms (upper
 * case, underscores, up to 255 characters); creating one, and a virtual-host label, must follow
 * today's DNS-compatible rules.
 */
public final class BucketNames {
  private BucketNames() {}

  /** A name that may address a bucket in a path ({@code /bucket/key}). */
  public static boolean isAddressable(String name) {
    if (name == null || name.isEmpty() || name.length() > 255) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return !name.equals(".") && !name.equals("..");
  }

  /**
   * Today's rules: 3–63 characters of lower-case letters, digits, {@code .} and {@code -}, starting
   * and ending with a letter or digit, no {@code ..}, not shaped like an IPv4 address.
   */
  public static boolean isDnsCompatible(String name) {
    if (name == null || name.length() < 3 || name.length() > 63) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok) {
        return false;
      }
    }
    if (!alnum(name.charAt(0)) || !alnum(name.charAt(name.length() - 1))) {
      return false;
    }
    if (name.contains("..") || name.contains(".-") || name.contains("-.")) {
      return false;
    }
    return !name.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static boolean alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
