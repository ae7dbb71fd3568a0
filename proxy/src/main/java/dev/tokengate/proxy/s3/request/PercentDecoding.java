package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of request-target components, as S3 reads them: every {@code %} must be
 * followed by two hex digits, the decoded bytes must be well-formed UTF-8 (no overlong forms, no
 * surrogates), and NUL is refused. Anything else is {@code InvalidURI}: a lenient decoder is where
 * the proxy and the backend would start reading one request two ways.
 */
final class PercentDecoding {
  private PercentDecoding() {}

  /** A path component: a literal {@code +} is a plus sign. */
  static String path(String raw) throws S3Exception {
    return decode(raw, false);
  }

  /** A query name or value, or {@code x-amz-copy-source}: {@code +} is a space (form rule, as S3). */
  static String form(String raw) throws S3Exception {
    return decode(raw, true);
  }

  private static String decode(String raw, boolean plusIsSpace) throws S3Exception {
    if (isPlain(raw, plusIsSpace)) {
      checkChars(raw);
      return raw;
    }
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw invalid();
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 'f' || raw.charAt(i + 2) > 'f') {
          throw invalid();
        }
        bytes[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes[n++] = ' ';
      } else {
        // Netty hands us the request line as ISO-8859-1: a raw UTF-8 byte is one char < 0x100.
        if (c > 0xff) {
          throw invalid();
        }
        bytes[n++] = (byte) c;
      }
    }
    if (!isWellFormedUtf8(bytes, n)) {
      throw invalid();
    }
    String decoded = new String(bytes, 0, n, StandardCharsets.UTF_8);
    checkChars(decoded);
    return decoded;
  }

  /**
   * RFC 3629's well-formed UTF-8: no overlong forms, no surrogates (ED A0–BF), nothing above
   * U+10FFFF. Checked here so that the JDK's lenient decoding that follows has nothing to replace.
   */
  static boolean isWellFormedUtf8(byte[] b, int n) {
    int i = 0;
    while (i < n) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min = 0x80;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) {
          min = 0xa0;
        } else if (c == 0xed) {
          max = 0x9f;
        }
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) {
          min = 0x90;
        } else if (c == 0xf4) {
          max = 0x8f;
        }
      } else {
        return false;
      }
      if (i + need >= n) {
        return false;
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        int cont = b[i + k] & 0xff;
        if (cont < 0x80 || cont > 0xbf) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }

  private static boolean isPlain(String raw, boolean plusIsSpace) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' || c >= 0x80 || (c == '+' && plusIsSpace)) {
        return false;
      }
    }
    return true;
  }

  private static void checkChars(String s) throws S3Exception {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == 0) {
        throw invalid();
      }
    }
  }

  static S3Exception invalid() {
    return new S3Exception(S3Error.INVALID_URI);
  }
}
