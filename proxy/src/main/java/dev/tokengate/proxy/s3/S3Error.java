package dev.tokengate.proxy.s3;

/**
 * Every S3 wire error the proxy itself answers, with its code written literally (grep it against
 * AWS's error table), HTTP status and default message.
 *
 * <p>HTTP framing errors: S3 answers a request it cannot parse (a malformed header line, an invalid
 * Content-Length, two Host headers) with 400 {@code BadRequest} "An error occurred when parsing the
 * HTTP request.", and an oversized head, which it measures together with the request line, with
 * {@code RequestHeaderSectionTooLarge} and its {@code MaxSizeAllowed} (recorded in public S3
 * traces and in S3-compatible servers' conformance tests). S3 sends those with 400; the proxy
 * uses HTTP's own statuses for an oversized head, 431 (header section) and 414 (request line).
 */
public enum S3Error {
  ACCESS_DENIED("AccessDenied", 403, "Access Denied"),
  AUTHORIZATION_HEADER_MALFORMED(
      "AuthorizationHeaderMalformed", 400, "The authorization header that you provided is not valid."),
  AUTHORIZATION_QUERY_PARAMETERS_ERROR(
      "AuthorizationQueryParametersError", 400, "Error parsing the X-Amz-Credential parameter."),
  /**
   * X-Amz-Expires negative or over a week. The code is AuthorizationQueryParametersError; the
   * status 403, which ceph/s3-tests asserts in tests that pass on AWS
   * ({@code test_object_raw_get_x_amz_expires_out_max_range}, {@code …_out_positive_range}).
   */
  PRESIGN_EXPIRES_OUT_OF_RANGE("AuthorizationQueryParametersError", 403,
      "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than"
          + " 604800 seconds"),
  BAD_DIGEST(
      "BadDigest", 400, "The Content-MD5 or checksum value that you specified did not match what the server received."),
  BAD_REQUEST("BadRequest", 400, "An error occurred when parsing the HTTP request."),
  /** An OPTIONS preflight on a bucket without a CORS configuration (CorsHandler). */
  CORS_NOT_ENABLED("AccessForbidden", 403, "CORSResponse: CORS is not enabled for this bucket."),
  /** An OPTIONS preflight that no rule of the bucket's CORS configuration allows. */
  CORS_NOT_ALLOWED("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the "
      + "evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are "
      + "not whitelisted by the resource's CORS spec."),
  NO_SUCH_CORS_CONFIGURATION("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"),
  /** A POST Object file part over the policy's content-length-range maximum. */
  ENTITY_TOO_LARGE("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"),
  /** A POST Object file part under the policy's content-length-range minimum. */
  ENTITY_TOO_SMALL("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."),
  EXPIRED_TOKEN("ExpiredToken", 400, "The provided token has expired."),
  INCOMPLETE_BODY(
      "IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."),
  INTERNAL_ERROR("InternalError", 500, "We encountered an internal error. Please try again."),
  INVALID_ACCESS_KEY_ID(
      "InvalidAccessKeyId", 403, "The AWS access key ID that you provided does not exist in our records."),
  INVALID_ARGUMENT("InvalidArgument", 400, "Invalid Argument"),
  INVALID_BUCKET_NAME("InvalidBucketName", 400, "The specified bucket is not valid."),
  INVALID_DIGEST("InvalidDigest", 400, "The Content-MD5 or checksum value that you specified is not valid."),
  /** A POST Object policy that does not parse as a policy document. */
  INVALID_POLICY_DOCUMENT("InvalidPolicyDocument", 400,
      "The content of the form does not meet the conditions specified in the policy document."),
  INVALID_REQUEST("InvalidRequest", 400, "Invalid Request"),
  INVALID_URI("InvalidURI", 400, "Couldn't parse the specified URI."),
  INVALID_TAG("InvalidTag", 400, "The TagSet is not valid."),
  INVALID_TOKEN("InvalidToken", 400, "The provided token is malformed or otherwise not valid."),
  KEY_TOO_LONG("KeyTooLongError", 400, "Your key is too long"),
  MALFORMED_POLICY("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'"),
  /** A POST Object body that is not the multipart/form-data the proxy reads (PostForm). */
  MALFORMED_POST_REQUEST(
      "MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data."),
  MALFORMED_XML(
      "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema."),
  MAX_POST_PRE_DATA_LENGTH_EXCEEDED(
      "MaxPostPreDataLengthExceededError", 400, "Your POST request fields preceding the upload file were too large."),
  METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
  MISSING_CONTENT_LENGTH("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
  MISSING_SECURITY_HEADER("MissingSecurityHeader", 400, "Your request is missing a required header."),
  NO_SUCH_BUCKET("NoSuchBucket", 404, "The specified bucket does not exist"),
  NO_SUCH_BUCKET_POLICY("NoSuchBucketPolicy", 404, "The bucket policy does not exist"),
  NO_SUCH_KEY("NoSuchKey", 404, "The specified key does not exist."),
  NO_SUCH_TAG_SET("NoSuchTagSet", 404, "The TagSet does not exist"),
  NOT_IMPLEMENTED(
      "NotImplemented", 501, "A header you provided implies functionality that is not implemented."),
  /**
   * A query-API (STS/IAM) form body over {@code limits.maxQueryFormBytes}; the connection closes.
   * S3 requests stream and never meet this bound.
   */
  /** An OPTIONS request without the Origin a CORS preflight needs. */
  PREFLIGHT_WITHOUT_ORIGIN("BadRequest", 400, "Insufficient information. Origin request header needed."),
  /** An OPTIONS request with an Origin but no Access-Control-Request-Method. */
  PREFLIGHT_WITHOUT_METHOD("BadRequest", 400, "Invalid Access-Control-Request-Method: null"),
  REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", 413, "Your request body exceeds the maximum allowed size."),
  REQUEST_HEADER_SECTION_TOO_LARGE(
      "RequestHeaderSectionTooLarge", 431, "Your request header section exceeds the maximum allowed size."),
  REQUEST_LINE_TOO_LONG("RequestHeaderSectionTooLarge", 414, "Your request line exceeds the maximum allowed size."),
  /** The request head did not arrive within the header timeout (a slowloris); the connection closes. */
  REQUEST_HEAD_TIMEOUT("RequestTimeout", 408, "Your request header section did not arrive within the timeout period."),
  /** S3's answer to a request body that stopped arriving; the connection closes. */
  REQUEST_TIMEOUT(
      "RequestTimeout",
      400,
      "Your socket connection to the server was not read from or written to within the timeout period."
          + " Idle connections will be closed."),
  REQUEST_TIME_TOO_SKEWED(
      "RequestTimeTooSkewed", 403, "The difference between the request time and the server's time is too large."),
  SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "Please reduce your request rate."),
  /** More client connections are open than the proxy serves at once. */
  SLOW_DOWN("SlowDown", 503, "Please reduce your request rate."),
  SIGNATURE_DOES_NOT_MATCH(
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your key and signing method."),
  X_AMZ_CONTENT_SHA256_MISMATCH(
      "XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");

  private final String code;
  private final int status;
  private final String defaultMessage;

  S3Error(String code, int status, String defaultMessage) {
    this.code = code;
    this.status = status;
    this.defaultMessage = defaultMessage;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public String defaultMessage() {
    return defaultMessage;
  }
}
