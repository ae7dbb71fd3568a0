package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.util.Base64;
import java.util.Map;

/**
 * The digests a client may send with a body ({@code Content-MD5}, {@code x-amz-checksum-*}): each
 * must be base64 of exactly its algorithm's length, as S3 checks before reading the body
 * ({@code InvalidDigest} for Content-MD5, {@code BadDigest} for a checksum). Refused
 * here, a malformed one is answered at once instead of by a backend that stops reading mid-upload.
 */
final class DigestHeaders {
  private static final Map<String, Integer> LENGTHS = Map.of(
      "content-md5", 16,
      "x-amz-checksum-crc32", 4,
      "x-amz-checksum-crc32c", 4,
      "x-amz-checksum-crc64nvme", 8,
      "x-amz-checksum-sha1", 20,
      "x-amz-checksum-sha256", 32);

  private DigestHeaders() {}

  static void check(String lowerName, String value) throws S3Exception {
    Integer length = LENGTHS.get(lowerName);
    if (length == null) {
      return;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      decoded = null;
    }
    if (decoded == null || decoded.length != length) {
      if (lowerName.equals("content-md5")) {
        throw new S3Exception(S3Error.INVALID_DIGEST);
      }
      // S3 answers a checksum that cannot be the algorithm's as a mismatch (ceph/s3-tests, checked on AWS).
      throw new S3Exception(S3Error.BAD_DIGEST, "Value for " + lowerName + " header is invalid.");
    }
  }
}
