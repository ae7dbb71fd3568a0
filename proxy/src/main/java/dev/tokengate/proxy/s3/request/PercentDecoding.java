package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
    ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 4);
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
        bytes.put((byte) (hi * 16 + lo));
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.put((byte) ' ');
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        // Netty hands us the request line as ISO-8859-1: a raw UTF-8 byte is one char < 0x100.
        if (c > 0xff) {
          throw invalid();
        }
        bytes.put((byte) c);
      }
    }
    bytes.flip();
    String decoded;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes);
      decoded = chars.toString();
    } catch (CharacterCodingException e) {
      throw invalid();
    }
    checkChars(decoded);
    return decoded;
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
