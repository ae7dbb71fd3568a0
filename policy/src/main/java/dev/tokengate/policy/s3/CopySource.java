package dev.tokengate.policy.s3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The source of CopyObject/UploadPartCopy parsed from {@code x-amz-copy-source}
 * ({@code [/]bucket/key[?versionId=v]}, URL-encoded).
 *
 * @param bucket the source bucket
 * @param key the decoded source key
 * @param versionId the source version, or null
 */
public record CopySource(String bucket, String key, String versionId) {

  /** Parses the header, or returns null when it is not a {@code bucket/key} reference. */
  public static CopySource parse(String header) {
    if (header == null || header.isEmpty() || header.startsWith("arn:")) {
      return null;
    }
    String path = header;
    String versionId = null;
    int q = path.indexOf('?');
    if (q >= 0) {
      String query = path.substring(q + 1);
      path = path.substring(0, q);
      if (query.startsWith("versionId=")) {
        versionId = percentDecode(query.substring("versionId=".length()));
      } else {
        return null;
      }
    }
    String decoded = percentDecode(path);
    if (decoded == null) {
      return null;
    }
    if (decoded.startsWith("/")) {
      decoded = decoded.substring(1);
    }
    int slash = decoded.indexOf('/');
    if (slash <= 0 || slash == decoded.length() - 1) {
      return null;
    }
    return new CopySource(decoded.substring(0, slash), decoded.substring(slash + 1),
        versionId == null || versionId.isEmpty() ? null : versionId);
  }

  /** {@code bucket/key}, the value of {@code s3:x-amz-copy-source}. */
  public String path() {
    return bucket + "/" + key;
  }

  // Percent-decoding only: '+' is a literal plus in a path, unlike in form encoding.
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        int end = i + Character.charCount(s.codePointAt(i));
        byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i = end - 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
