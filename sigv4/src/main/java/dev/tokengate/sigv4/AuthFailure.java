package dev.tokengate.sigv4;

/**
 * Why a request failed authentication. The proxy maps every reason to one wire error in a single
 * exhaustive switch, so a new reason does not compile until it has an answer.
 */
public enum AuthFailure {
  /** Authorization header not parseable, bad scope terminator, credential date ≠ request date. */
  MALFORMED_AUTHORIZATION,
  /** Presigned query missing a parameter or with a malformed one. */
  MALFORMED_PRESIGN_QUERY,
  /** X-Amz-Expires negative or above 604800. */
  PRESIGN_EXPIRES_OUT_OF_RANGE,
  /** SigV4A or an unknown algorithm. */
  UNSUPPORTED_ALGORITHM,
  /** More than one of: Authorization header, presigned V4 query, presigned V2 query. */
  MULTIPLE_AUTH_METHODS,
  /** Header auth without x-amz-content-sha256. */
  MISSING_CONTENT_SHA256,
  /** x-amz-content-sha256 neither 64 hex nor a known literal. */
  INVALID_CONTENT_SHA256,
  /** No x-amz-date and no Date header (or unparseable). */
  MISSING_DATE,
  /** |now - request time| above 15 minutes (header auth). */
  REQUEST_TIME_TOO_SKEWED,
  /** Presigned URL past X-Amz-Date + X-Amz-Expires (or SigV2 Expires). */
  PRESIGN_EXPIRED,
  /** Presigned URL dated more than 15 minutes in the future. */
  PRESIGN_NOT_YET_VALID,
  /** An x-amz-* header (or host) present but not listed in SignedHeaders. */
  HEADERS_NOT_SIGNED,
  /** The request signature does not match. */
  SIGNATURE_MISMATCH,
  /** An aws-chunked chunk or trailer signature does not match. */
  CHUNK_SIGNATURE_MISMATCH,
  /** aws-chunked framing broken, truncated, or decoded length ≠ x-amz-decoded-content-length. */
  MALFORMED_CHUNKED_BODY,
  /** The body's SHA-256 ≠ the hex x-amz-content-sha256. */
  PAYLOAD_HASH_MISMATCH,
  /**
   * The x-amz-checksum-* trailer (CRC32, CRC32C, SHA-1, SHA-256) of an aws-chunked body ≠ the
   * checksum of the decoded bytes (S3 answers 400 BadDigest).
   */
  CHECKSUM_MISMATCH
}
