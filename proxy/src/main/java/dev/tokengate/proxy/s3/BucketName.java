package dev.tokengate.proxy.s3;

import java.util.Map;

/**
 * S3's bucket naming rules, checked before a name is used as a virtual-host label, a file name or
 * a backend path: 3–63 characters of lowercase letters, digits, dots and hyphens; every
 * dot-separated label starts and ends with a letter or digit (so no {@code ..}, {@code .-} or
 * {@code -.}, which also makes the name a valid DNS host name); not an IPv4 address. AWS's
 * reserved prefixes and suffixes ({@code xn--}, {@code -s3alias}, …) only matter when AWS creates a
 * bucket and are left to the backend.
 */
public final class BucketName {
  private BucketName() {}

  public static boolean isValid(String name) {
    if (name == null || name.length() < 3 || name.length() > 63) {
      return false;
    }
    boolean allDigitsAndDots = true;
    int labelStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || name.charAt(i) == '.') {
        if (!validLabel(name, labelStart, i)) {
          return false;
        }
        labelStart = i + 1;
        continue;
      }
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
        return false;
      }
      allDigitsAndDots &= c >= '0' && c <= '9';
    }
    // "192.168.5.4" is refused; "1.2.3" or "123" are ordinary names.
    return !(allDigitsAndDots && name.chars().filter(c -> c == '.').count() == 3);
  }

  /**
   * A name that may address an existing bucket in a path ({@code /bucket/key}): also the legacy
   * us-east-1 forms (3 to 255 characters, upper case and underscores allowed) that {@link #isValid} refuses
   * for new buckets and virtual-host labels.
   */
  public static boolean isAddressable(String name) {
    if (name == null || name.length() < 3 || name.length() > 255) {
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
    return true;
  }

  private static boolean validLabel(String name, int start, int end) {
    return end > start && name.charAt(start) != '-' && name.charAt(end - 1) != '-';
  }

  /** The name, or 400 InvalidBucketName. */
  public static String require(String name) throws S3Exception {
    if (!isValid(name)) {
      throw invalid(name);
    }
    return name;
  }

  /** S3's 400 InvalidBucketName for {@code name}. */
  public static S3Exception invalid(String name) {
    return new S3Exception(S3Error.INVALID_BUCKET_NAME, S3Error.INVALID_BUCKET_NAME.defaultMessage(),
        Map.of("BucketName", name == null ? "" : name));
  }
}
