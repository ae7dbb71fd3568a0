package dev.tokengate.proxy.harness;

/**
 * A key pair a test signs with, and the session token that goes with temporary keys (null for a
 * long-term key).
 */
public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {

  public static Credentials of(String accessKeyId, String secretAccessKey) {
    return new Credentials(accessKeyId, secretAccessKey, null);
  }

  /** The same keys with another token (or none): tampering tests change only this. */
  public Credentials withToken(String token) {
    return new Credentials(accessKeyId, secretAccessKey, token);
  }
}
