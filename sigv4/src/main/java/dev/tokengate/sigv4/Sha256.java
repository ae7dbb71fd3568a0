package dev.tokengate.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 hashing with hex output, using one {@link MessageDigest} per thread. */
public final class Sha256 {

  /** Hex SHA-256 of the empty string: the payload line of an empty body and of chunk signatures. */
  public static final String EMPTY_HEX =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

  private Sha256() {}

  /** SHA-256 of {@code data}. */
  public static byte[] hash(byte[] data) {
    MessageDigest md = DIGEST.get();
    md.reset();
    return md.digest(data);
  }

  /** Lower-case hex SHA-256 of {@code data}. */
  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(hash(data));
  }

  /** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A new SHA-256 digest (for callers that hash incrementally). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
  }
}
