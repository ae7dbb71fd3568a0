package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Content-MD5 for the bodies the proxy reads whole itself (DeleteObjects, the bucket documents it
 * keeps): a digest the client sent must be the body's, as S3 checks it ({@code BadDigest}); one
 * that is not base64 of 16 bytes is {@code InvalidDigest} (the model already refuses that).
 */
public final class ContentMd5 {
  private ContentMd5() {}

  /** @throws S3Exception InvalidDigest or BadDigest when the request's Content-MD5 is not {@code body}'s */
  public static void verify(S3RequestModel model, byte[] body) throws S3Exception {
    String md5 = model.header("content-md5");
    if (md5 == null) {
      return;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(md5.strip());
    } catch (IllegalArgumentException e) {
      throw new S3Exception(S3Error.INVALID_DIGEST);
    }
    if (given.length != 16) {
      throw new S3Exception(S3Error.INVALID_DIGEST);
    }
    if (!MessageDigest.isEqual(given, digest(body))) {
      throw new S3Exception(S3Error.BAD_DIGEST);
    }
  }

  /** The Content-MD5 header value of {@code body}. */
  public static String of(byte[] body) {
    return Base64.getEncoder().encodeToString(digest(body));
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide MD5", e);
    }
  }
}
