package dev.tokengate.proxy.sts;

/** An STS call failed with a wire {@link StsError} and an AWS-style message. */
public final class StsException extends Exception {
  private static final long serialVersionUID = 1L;

  private final StsError error;

  public StsException(StsError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public StsError error() {
    return error;
  }
}
