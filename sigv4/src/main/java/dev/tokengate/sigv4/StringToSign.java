package dev.tokengate.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The SigV4 string to sign: algorithm, request time, scope and the hash of the canonical request,
 * one per line.
 *
 * @param text the exact bytes (UTF-8) the signature is an HMAC of
 */
public record StringToSign(String text) {

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";

  /** The string to sign for a canonical request. */
  public static StringToSign of(String amzDate, CredentialScope scope, CanonicalRequest canonical) {
    return new StringToSign(
        ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + canonical.sha256Hex());
  }

  /** Lower-case hex HMAC-SHA256 of this string under {@code signingKey}. */
  public String sign(byte[] signingKey) {
    return HexFormat.of().formatHex(Hmac.sha256(signingKey, text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Space-separated lower-case hex bytes of a text, as S3 reports {@code StringToSignBytes}. */
  public static String spacedHex(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      hex.toHexDigits(sb, bytes[i]);
    }
    return sb.toString();
  }
}
