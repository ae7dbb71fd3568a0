package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;

/**
 * What an object key may be here. S3 keys are any UTF-8 up to 1024 bytes and S3 never normalises
 * them, but HTTP servers in front of other backends resolve {@code .} and {@code ..} segments, so
 * {@code a/../secret} would be authorized as one key and served as another: such keys are refused.
 */
final class ObjectKeys {
  static final int MAX_BYTES = 1024;

  private ObjectKeys() {}

  static void check(String key) throws S3Exception {
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new S3Exception(S3Error.KEY_TOO_LONG);
    }
    int start = 0;
    while (start <= key.length()) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      String segment = key.substring(start, end);
      if (segment.equals(".") || segment.equals("..")) {
        throw new S3Exception(S3Error.INVALID_URI,
            "Object keys with '.' or '..' path segments are not accepted by this endpoint.");
      }
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
  }
}
