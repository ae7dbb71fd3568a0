package dev.tokengate.sigv4;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hashes a plain (not aws-chunked) body while it streams and, at the end, compares its SHA-256 with
 * the hex {@code x-amz-content-sha256} the client signed. Not thread-safe: one per request.
 */
public final class PayloadHashVerifier {

  private final String expectedHex;
  private final MessageDigest digest = Sha256.newDigest();
  private long length;

  /** @param expectedHex the signed hex SHA-256 (either case) */
  public PayloadHashVerifier(String expectedHex) {
    if (!PayloadMode.isSha256Hex(expectedHex)) {
      throw new IllegalArgumentException("expected hash must be 64 hex digits");
    }
    this.expectedHex = expectedHex;
  }

  /** Hashes the buffer's remaining bytes; its position and limit are left unchanged. */
  public void update(ByteBuffer buffer) {
    int position = buffer.position();
    length += buffer.remaining();
    digest.update(buffer);
    buffer.position(position);
  }

  /** Hashes {@code length} bytes of {@code bytes} from {@code offset}. */
  public void update(byte[] bytes, int offset, int count) {
    length += count;
    digest.update(bytes, offset, count);
  }

  /** Bytes hashed so far. */
  public long length() {
    return length;
  }

  /**
   * Ends the body.
   *
   * @throws AuthenticationException PAYLOAD_HASH_MISMATCH, with the client's and our hash
   */
  public void finish() throws AuthenticationException {
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!MessageDigest.isEqual(
        actual.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        expectedHex.toLowerCase(java.util.Locale.ROOT)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      Map<String, String> details = new LinkedHashMap<>();
      details.put("ClientComputedContentSHA256", expectedHex);
      details.put("S3ComputedContentSHA256", actual);
      throw new AuthenticationException(
          AuthFailure.PAYLOAD_HASH_MISMATCH,
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          details);
    }
  }
}
