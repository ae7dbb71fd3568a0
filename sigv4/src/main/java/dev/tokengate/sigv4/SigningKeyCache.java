package dev.tokengate.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derives SigV4 signing keys ({@code kSigning}) and caches them per (secret, date, region,
 * service), since a key is valid for a whole day and derivation is four HMACs. Thread-safe.
 */
public final class SigningKeyCache {

  private record Key(String secret, String date, String region, String service) {}

  private final int maxEntries;
  private final ConcurrentHashMap<Key, byte[]> keys = new ConcurrentHashMap<>();

  /** @param maxEntries bound on cached keys */
  public SigningKeyCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.maxEntries = maxEntries;
  }

  /** The signing key for a scope; the returned array is a copy the caller may keep. */
  public byte[] signingKey(String secretKey, CredentialScope scope) {
    Key key = new Key(secretKey, scope.date(), scope.region(), scope.service());
    byte[] cached = keys.get(key);
    if (cached == null) {
      cached = derive(secretKey, scope);
      evictIfFull();
      keys.putIfAbsent(key, cached);
    }
    return cached.clone();
  }

  /** Number of cached keys (for tests and metrics). */
  public int size() {
    return keys.size();
  }

  /** Derives kSigning without caching: kDate, kRegion, kService, kSigning. */
  public static byte[] derive(String secretKey, CredentialScope scope) {
    byte[] k = Hmac.sha256(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), utf8(scope.date()));
    k = Hmac.sha256(k, utf8(scope.region()));
    k = Hmac.sha256(k, utf8(scope.service()));
    return Hmac.sha256(k, utf8(CredentialScope.TERMINATOR));
  }

  // Keys expire daily, so evicting an arbitrary entry is good enough to stay bounded.
  private void evictIfFull() {
    Iterator<Key> it = keys.keySet().iterator();
    while (keys.size() >= maxEntries && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
