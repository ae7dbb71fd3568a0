package dev.tokengate.sigv4;

/**
 * Finds the authentication scheme of a request (SigV4 header, SigV4 presigned query, SigV2 header
 * or query) and parses it into a {@link ParsedAuthorization}. Pure parsing: no clock, no secrets.
 */
public final class AuthorizationParser {

  private AuthorizationParser() {}

  /**
   * @return the parsed authorization, or null when the request carries none (anonymous)
   * @throws AuthenticationException MALFORMED_*, UNSUPPORTED_ALGORITHM, MULTIPLE_AUTH_METHODS,
   *     MISSING_CONTENT_SHA256, MISSING_DATE, PRESIGN_EXPIRES_OUT_OF_RANGE
   */
  public static ParsedAuthorization parse(SignedRequest request) throws AuthenticationException {
    throw new UnsupportedOperationException("sigv4 helper implements this");
  }
}
