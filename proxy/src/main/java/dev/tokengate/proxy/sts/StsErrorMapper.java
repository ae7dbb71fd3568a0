package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;

/**
 * Answers an authentication failure of an STS call the way STS does (its codes differ from S3's:
 * an unknown key is {@code InvalidClientTokenId}, a malformed header {@code IncompleteSignature}),
 * in one exhaustive switch.
 */
public final class StsErrorMapper {
  private StsErrorMapper() {}

  public static StsException fromS3(S3Exception e) {
    if (e.error() == null) {
      // A relayed backend error answers an S3 request; STS and IAM calls never reach the backend.
      return new StsException(StsError.INTERNAL_FAILURE, S3Error.INTERNAL_ERROR.defaultMessage());
    }
    return switch (e.error()) {
      case INVALID_ACCESS_KEY_ID -> new StsException(
          StsError.INVALID_CLIENT_TOKEN_ID, "The security token included in the request is invalid.");
      case INVALID_TOKEN -> new StsException(
          StsError.INVALID_CLIENT_TOKEN_ID, "The security token included in the request is invalid.");
      case EXPIRED_TOKEN -> new StsException(
          StsError.EXPIRED_TOKEN, "The security token included in the request is expired");
      case SIGNATURE_DOES_NOT_MATCH -> new StsException(
          StsError.SIGNATURE_DOES_NOT_MATCH,
          "The request signature we calculated does not match the signature you provided. "
              + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
      case REQUEST_TIME_TOO_SKEWED -> new StsException(
          StsError.SIGNATURE_DOES_NOT_MATCH, "Signature expired: " + e.getMessage());
      case AUTHORIZATION_HEADER_MALFORMED, AUTHORIZATION_QUERY_PARAMETERS_ERROR, PRESIGN_EXPIRES_OUT_OF_RANGE,
          MISSING_SECURITY_HEADER ->
          new StsException(StsError.INCOMPLETE_SIGNATURE, e.getMessage());
      case ACCESS_DENIED, CORS_NOT_ENABLED, CORS_NOT_ALLOWED -> new StsException(StsError.ACCESS_DENIED, e.getMessage());
      case INVALID_ARGUMENT, INVALID_REQUEST, MALFORMED_POLICY, MALFORMED_XML, BAD_DIGEST, INCOMPLETE_BODY,
          INVALID_URI, INVALID_BUCKET_NAME, INVALID_DIGEST, KEY_TOO_LONG, X_AMZ_CONTENT_SHA256_MISMATCH,
          BAD_REQUEST, PREFLIGHT_WITHOUT_ORIGIN, PREFLIGHT_WITHOUT_METHOD, REQUEST_HEADER_SECTION_TOO_LARGE, REQUEST_LINE_TOO_LONG, REQUEST_HEAD_TIMEOUT, REQUEST_TIMEOUT,
          ENTITY_TOO_LARGE, ENTITY_TOO_SMALL, INVALID_POLICY_DOCUMENT,
          INVALID_TAG, MALFORMED_POST_REQUEST, MAX_POST_PRE_DATA_LENGTH_EXCEEDED, MISSING_CONTENT_LENGTH -> new StsException(
              StsError.INVALID_PARAMETER_VALUE, e.getMessage());
      case METHOD_NOT_ALLOWED, NOT_IMPLEMENTED, NO_SUCH_BUCKET, NO_SUCH_BUCKET_POLICY, NO_SUCH_CORS_CONFIGURATION, NO_SUCH_TAG_SET,
          NO_SUCH_KEY -> new StsException(
          StsError.INVALID_ACTION, e.getMessage());
      case REQUEST_ENTITY_TOO_LARGE -> new StsException(StsError.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
      case SERVICE_UNAVAILABLE, SLOW_DOWN -> new StsException(StsError.SERVICE_UNAVAILABLE, e.getMessage());
      case INTERNAL_ERROR -> new StsException(StsError.INTERNAL_FAILURE, e.getMessage());
    };
  }
}
