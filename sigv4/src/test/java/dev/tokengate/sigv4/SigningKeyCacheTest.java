package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SigningKeyCacheTest {

  @Test
  void derivesTheDocumentedKeyAndCopiesIt() {
    SigningKeyCache cache = new SigningKeyCache(2);
    byte[] key = cache.signingKey(S3Examples.SECRET, S3Examples.SCOPE);
    // kSigning of the S3 examples (the GET-with-Range signature in SignatureVerifierTest relies on it).
    assertArrayEquals(SigningKeyCache.derive(S3Examples.SECRET, S3Examples.SCOPE), key);
    key[0] ^= 1;
    assertEquals(HexFormat.of().formatHex(SigningKeyCache.derive(S3Examples.SECRET, S3Examples.SCOPE)),
        HexFormat.of().formatHex(cache.signingKey(S3Examples.SECRET, S3Examples.SCOPE)));
  }

  @Test
  void staysBounded() {
    SigningKeyCache cache = new SigningKeyCache(3);
    for (int i = 0; i < 20; i++) {
      cache.signingKey("secret" + i, S3Examples.SCOPE);
    }
    assertTrue(cache.size() <= 3);
  }

  @Test
  void concurrentUseGivesTheSameKeys() throws Exception {
    SigningKeyCache cache = new SigningKeyCache(8);
    byte[] expected = SigningKeyCache.derive(S3Examples.SECRET, S3Examples.SCOPE);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String secret = i % 2 == 0 ? S3Examples.SECRET : "other" + (i % 13);
        results.add(pool.submit(() -> cache.signingKey(secret, S3Examples.SCOPE)));
      }
      for (int i = 0; i < results.size(); i += 2) {
        assertArrayEquals(expected, results.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
