package dev.tokengate.proxy.webidentity;

/** Why an ID token was not accepted; the STS action maps each reason to its wire error. */
public final class TokenRejected extends Exception {
  private static final long serialVersionUID = 1L;

  /** The typed failure reasons of ID-token verification. */
  public enum Reason {
    /** Not a JWS compact serialization, or its header or claims do not parse. */
    MALFORMED,
    /** {@code alg} other than RS256/ES256 (none, HS*, PS*, …). */
    UNSUPPORTED_ALGORITHM,
    /** No provider of the account has this issuer, or it may not be fetched (http without the option). */
    UNKNOWN_ISSUER,
    /** No key of the issuer's JWKS has the token's {@code kid} (even after a refetch). */
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    EXPIRED,
    /** {@code nbf} or {@code iat} in the future (beyond the allowed skew), or claims missing. */
    INVALID_CLAIMS,
    WRONG_AUDIENCE,
    /** The issuer's discovery document or JWKS could not be fetched or read in time. */
    ISSUER_UNREACHABLE
  }

  private final Reason reason;

  public TokenRejected(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
