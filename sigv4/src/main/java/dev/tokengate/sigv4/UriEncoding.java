package dev.tokengate.sigv4;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * AWS {@code UriEncode}: percent-decodes raw request components to bytes and re-encodes them so that
 * only the unreserved characters {@code A-Z a-z 0-9 - _ . ~} stay literal (uppercase hex otherwise).
 */
public final class UriEncoding {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UriEncoding() {}

  /**
   * The canonical URI of a raw (as received) path: decode once, re-encode once, keep {@code /},
   * never normalise ({@code //}, {@code .}, {@code ..} stay). A literal {@code +} is a plus sign.
   * An encoded {@code %2F} stays {@code %2F}: the client signed its own encoded path, in which it
   * was not a separator.
   */
  public static String canonicalPath(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    StringBuilder sb = new StringBuilder(rawPath.length() + 16);
    String[] segments = rawPath.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(encode(decode(segments[i], false), false));
    }
    return sb.toString();
  }

  /**
   * Percent-decodes a raw component to bytes. Characters outside {@code %XX} are taken as their
   * UTF-8 bytes (clients send raw UTF-8 too); a {@code %} not followed by two hex digits is kept
   * literally, since rejecting it would only break clients the backend accepts.
   *
   * @param plusIsSpace true for query components (form encoding), false for paths
   */
  public static byte[] decode(String raw, boolean plusIsSpace) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    int i = 0;
    int n = raw.length();
    while (i < n) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < n && hexValue(raw.charAt(i + 1)) >= 0 && hexValue(raw.charAt(i + 2)) >= 0) {
        out.write((hexValue(raw.charAt(i + 1)) << 4) | hexValue(raw.charAt(i + 2)));
        i += 3;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
        i++;
      } else if (c < 0x80) {
        out.write(c);
        i++;
      } else {
        int cp = raw.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
        i += Character.charCount(cp);
      }
    }
    return out.toByteArray();
  }

  /** Percent-decodes a raw query component to a string (UTF-8, {@code +} as space). */
  public static String decodeQueryComponent(String raw) {
    return new String(decode(raw, true), StandardCharsets.UTF_8);
  }

  /** Encodes bytes with the AWS rule; {@code /} stays literal only when {@code keepSlash}. */
  public static String encode(byte[] bytes, boolean keepSlash) {
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int v = b & 0xff;
      if (isUnreserved(v) || (keepSlash && v == '/')) {
        sb.append((char) v);
      } else {
        sb.append('%').append(HEX[v >> 4]).append(HEX[v & 0xf]);
      }
    }
    return sb.toString();
  }

  /** Encodes a string's UTF-8 bytes with the AWS rule ({@code /} encoded). */
  public static String encode(String value) {
    return encode(value, false);
  }

  /**
   * Encodes a string's UTF-8 bytes with the AWS rule; {@code /} stays literal only when {@code
   * keepSlash}. A string with nothing to encode is returned as is (most keys and parameters).
   */
  public static String encode(String value, boolean keepSlash) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isUnreserved(c) && !(keepSlash && c == '/')) {
        return encode(value.getBytes(StandardCharsets.UTF_8), keepSlash);
      }
    }
    return value;
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '~';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
