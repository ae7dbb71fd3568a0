package dev.tokengate.proxy.s3;

import dev.tokengate.sigv4.AuthenticationException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps every authentication failure reason to its S3 wire error, in one exhaustive switch. */
public final class AuthFailureMapper {
  private AuthFailureMapper() {}

  public static S3Exception toS3(AuthenticationException e) {
    S3Error error =
        switch (e.reason()) {
          case MALFORMED_AUTHORIZATION -> S3Error.AUTHORIZATION_HEADER_MALFORMED;
          case MALFORMED_PRESIGN_QUERY -> S3Error.AUTHORIZATION_QUERY_PARAMETERS_ERROR;
          case PRESIGN_EXPIRES_OUT_OF_RANGE -> S3Error.PRESIGN_EXPIRES_OUT_OF_RANGE;
          case UNSUPPORTED_ALGORITHM -> S3Error.INVALID_REQUEST;
          case MULTIPLE_AUTH_METHODS, INVALID_CONTENT_SHA256 -> S3Error.INVALID_ARGUMENT;
          case MISSING_CONTENT_SHA256 -> S3Error.MISSING_SECURITY_HEADER;
          case MISSING_DATE, PRESIGN_EXPIRED, PRESIGN_NOT_YET_VALID, HEADERS_NOT_SIGNED -> S3Error.ACCESS_DENIED;
          case REQUEST_TIME_TOO_SKEWED -> S3Error.REQUEST_TIME_TOO_SKEWED;
          case SIGNATURE_MISMATCH, CHUNK_SIGNATURE_MISMATCH -> S3Error.SIGNATURE_DOES_NOT_MATCH;
          case MALFORMED_CHUNKED_BODY -> S3Error.INCOMPLETE_BODY;
          case PAYLOAD_HASH_MISMATCH -> S3Error.X_AMZ_CONTENT_SHA256_MISMATCH;
          case CHECKSUM_MISMATCH -> S3Error.BAD_DIGEST;
        };
    Map<String, String> extra = new LinkedHashMap<>(e.details());
    return new S3Exception(error, e.getMessage() == null ? error.defaultMessage() : e.getMessage(), extra);
  }
}
