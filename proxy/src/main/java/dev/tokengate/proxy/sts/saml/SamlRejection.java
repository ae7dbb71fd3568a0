package dev.tokengate.proxy.sts.saml;

/**
 * Why a SAML response was refused. The message is safe to show the caller: it never quotes the
 * assertion, a signature or a key.
 */
public final class SamlRejection extends Exception {
  private static final long serialVersionUID = 1L;

  /** The typed reasons; the STS action maps each to AWS's wire code. */
  public enum Reason {
    /** Not base64, not XML, a DOCTYPE, not a SAML Response, or a structure tokengate refuses. */
    MALFORMED,
    /** No acceptable signature by a metadata key over the Response or its one Assertion. */
    BAD_SIGNATURE,
    /** The issuer is not the provider's entity id. */
    WRONG_ISSUER,
    /** The IdP's status is not Success: it reports the user was not authenticated. */
    NOT_AUTHENTICATED,
    /** NotOnOrAfter (or SessionNotOnOrAfter) has passed. */
    EXPIRED,
    /** NotBefore is still ahead. */
    NOT_YET_VALID,
    /** No audience restriction names AWS. */
    WRONG_AUDIENCE,
    /** The Destination or the bearer confirmation's Recipient is not the sign-in endpoint. */
    WRONG_RECIPIENT,
    /** A required AWS attribute is missing or does not have the form AWS requires. */
    BAD_ATTRIBUTE
  }

  private final Reason reason;

  public SamlRejection(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
