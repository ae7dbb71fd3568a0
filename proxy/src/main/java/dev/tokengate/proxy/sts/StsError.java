package dev.tokengate.proxy.sts;

/** Every STS/IAM query-protocol error the proxy answers, with its code written literally. */
public enum StsError {
  ACCESS_DENIED("AccessDenied", 403),
  DELETE_CONFLICT("DeleteConflict", 409),
  ENTITY_ALREADY_EXISTS("EntityAlreadyExists", 409),
  EXPIRED_TOKEN("ExpiredToken", 403),
  /** An identity provider's token or SAML assertion has expired (AssumeRoleWith{SAML,WebIdentity}), unlike an expired session. */
  EXPIRED_TOKEN_EXCEPTION("ExpiredTokenException", 400),
  /** The identity provider could not be reached or answered nonsense; retryable. */
  IDP_COMMUNICATION_ERROR("IDPCommunicationError", 400),
  IDP_REJECTED_CLAIM("IDPRejectedClaim", 403),
  INCOMPLETE_SIGNATURE("IncompleteSignature", 400),
  INTERNAL_FAILURE("InternalFailure", 500),
  INVALID_ACTION("InvalidAction", 400),
  INVALID_AUTHENTICATION_CODE("InvalidAuthenticationCode", 403),
  INVALID_AUTHORIZATION_MESSAGE("InvalidAuthorizationMessageException", 400),
  INVALID_CLIENT_TOKEN_ID("InvalidClientTokenId", 403),
  INVALID_IDENTITY_TOKEN("InvalidIdentityToken", 400),
  INVALID_INPUT("InvalidInput", 400),
  INVALID_PARAMETER_VALUE("InvalidParameterValue", 400),
  LIMIT_EXCEEDED("LimitExceeded", 409),
  MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocument", 400),
  MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", 403),
  MISSING_PARAMETER("MissingParameter", 400),
  NO_SUCH_ENTITY("NoSuchEntity", 404),
  NOT_IMPLEMENTED("NotImplemented", 501),
  PACKED_POLICY_TOO_LARGE("PackedPolicyTooLarge", 400),
  /** No documented query-protocol code exists: HTTP's 413 with the name AWS services give it. */
  REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", 413),
  SERVICE_UNAVAILABLE("ServiceUnavailable", 503),
  SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403),
  /** An identity the configuration defines: only the configuration changes it. */
  UNMODIFIABLE_ENTITY("UnmodifiableEntity", 400),
  VALIDATION_ERROR("ValidationError", 400);

  private final String code;
  private final int status;

  StsError(String code, int status) {
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** Query-protocol errors name who is at fault: the caller, unless the server failed. */
  public String type() {
    return status >= 500 ? "Receiver" : "Sender";
  }
}
