package dev.tokengate.sigv4.token;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * RFC 4648 base32 ({@code A-Z2-7}), the alphabet of TOTP secrets and of access key ids.
 *
 * <p>Decoding is as lenient as authenticator apps are about presentation (lower case, spaces,
 * trailing {@code =} padding) and strict about content: any other character is rejected.
 */
final class Base32 {
  static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Base32() {}

  /** Encodes without padding. */
  static String encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /**
   * Decodes, ignoring case, spaces and trailing padding.
   *
   * @throws IllegalArgumentException naming the first character that is not base32
   */
  static byte[] decode(String text) {
    String s = text.replace(" ", "").toUpperCase(Locale.ROOT);
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(end * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < end; i++) {
      int v = ALPHABET.indexOf(s.charAt(i));
      if (v < 0) {
        throw new IllegalArgumentException(
            "not base32: character '" + s.charAt(i) + "' at position " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write(buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    // Leftover bits (< 8) are the encoder's zero fill, not data.
    return out.toByteArray();
  }
}
