package dev.tokengate.sigv4.chunked;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * A running checksum named by an {@code x-amz-checksum-*} trailer (CRC32, CRC32C, SHA-1, SHA-256),
 * rendered as S3 does: base64 of the big-endian checksum bytes.
 */
public final class TrailerChecksum {

  private final String headerName;
  private final Checksum crc;
  private final MessageDigest digest;

  private TrailerChecksum(String headerName, Checksum crc, MessageDigest digest) {
    this.headerName = headerName;
    this.crc = crc;
    this.digest = digest;
  }

  /**
   * The checksum for a trailer name, or null when the JDK has no implementation (e.g. {@code
   * x-amz-checksum-crc64nvme}): such a trailer is passed on unverified.
   */
  public static TrailerChecksum forTrailer(String trailerName) {
    String name = trailerName.trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case "x-amz-checksum-crc32":
        return new TrailerChecksum(name, new CRC32(), null);
      case "x-amz-checksum-crc32c":
        return new TrailerChecksum(name, new CRC32C(), null);
      case "x-amz-checksum-sha1":
        return new TrailerChecksum(name, null, digest("SHA-1"));
      case "x-amz-checksum-sha256":
        return new TrailerChecksum(name, null, digest("SHA-256"));
      default:
        return null;
    }
  }

  /** The lower-case trailer name this checksum verifies. */
  public String headerName() {
    return headerName;
  }

  /** Adds the buffer's remaining bytes, advancing its position to its limit. */
  public void update(ByteBuffer buffer) {
    if (crc != null) {
      crc.update(buffer);
    } else {
      digest.update(buffer);
    }
  }

  /** Base64 of the checksum so far (ends the computation for digests). */
  public String base64() {
    byte[] value;
    if (crc != null) {
      long v = crc.getValue();
      value = new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    } else {
      value = digest.digest();
    }
    return Base64.getEncoder().encodeToString(value);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide " + algorithm, e);
    }
  }
}
