package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;

/**
 * What an object key may be here. S3 keys are any UTF-8 up to 1024 bytes and S3 never normalises
 * them, but HTTP servers in front of other backends resolve {@code .} and {@code ..} segments, so
 * {@code a/../secret} would be authorized as one key and served as another: such keys are refused.
 */
final class ObjectKeys {
  static final int MAX_BYTES = 1024;

  private ObjectKeys() {}

  static void check(String key) throws S3Exception {
    if (isTooLong(key)) {
      throw new S3Exception(S3Error.KEY_TOO_LONG);
    }
    int start = 0;
    while (start <= key.length()) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      if (isDotSegment(key, start, end)) {
        throw new S3Exception(S3Error.INVALID_URI,
            "Object keys with '.' or '..' path segments are not accepted by this endpoint.");
      }
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
  }

  /** Over {@link #MAX_BYTES} in UTF-8, counted without encoding. */
  static boolean isTooLong(String key) {
    // A char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2): count only when it could matter.
    return key.length() * 3 > MAX_BYTES && utf8Length(key) > MAX_BYTES;
  }

  private static boolean isDotSegment(String key, int start, int end) {
    int n = end - start;
    return (n == 1 || n == 2) && key.charAt(start) == '.' && (n == 1 || key.charAt(start + 1) == '.');
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
