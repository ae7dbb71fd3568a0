package dev.tokengate.policy;

/**
 * Signals a policy document that AWS would reject with {@code MalformedPolicyDocument}; the message
 * is the AWS-style text a client would see.
 */
public final class MalformedPolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The AWS error code the proxy should return with {@link #getMessage()}. */
  public static final String ERROR_CODE = "MalformedPolicyDocument";

  public MalformedPolicyException(String message) {
    super(message);
  }

  public MalformedPolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
