package dev.tokengate.sigv4;

/**
 * Derives SigV4 signing keys ({@code kSigning}) and caches them per (secret, date, region,
 * service), since a key is valid for a whole day and derivation is four HMACs. Thread-safe.
 */
public final class SigningKeyCache {

  /** @param maxEntries bound on cached keys */
  public SigningKeyCache(int maxEntries) {}

  public byte[] signingKey(String secretKey, CredentialScope scope) {
    throw new UnsupportedOperationException("sigv4 helper implements this");
  }
}
