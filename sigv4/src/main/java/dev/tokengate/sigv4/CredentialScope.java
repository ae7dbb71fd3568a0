package dev.tokengate.sigv4;

/** The scope of a SigV4 credential: {@code yyyyMMdd/region/service/aws4_request}. */
public record CredentialScope(String date, String region, String service) {

  public static final String TERMINATOR = "aws4_request";

  /** The scope as it appears in the string to sign (without the access key id). */
  @Override
  public String toString() {
    return date + "/" + region + "/" + service + "/" + TERMINATOR;
  }
}
