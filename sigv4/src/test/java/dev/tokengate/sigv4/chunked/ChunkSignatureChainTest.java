package dev.tokengate.sigv4.chunked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.Hmac;
import dev.tokengate.sigv4.Sha256;
import dev.tokengate.sigv4.SigningKeyCache;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChunkSignatureChainTest {

  static final CredentialScope SCOPE = new CredentialScope("20130524", "us-east-1", "s3");
  static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  static final String CHUNK1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
  static final String CHUNK2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
  static final String FINAL = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

  static ChunkSignatureChain documentationChain() {
    byte[] key = SigningKeyCache.derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SCOPE);
    return new ChunkSignatureChain(key, "20130524T000000Z", SCOPE, SEED);
  }

  static byte[] as(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'a');
    return b;
  }

  @Test
  void documentationChunkSignatures() {
    ChunkSignatureChain chain = documentationChain();
    assertEquals(CHUNK1, chain.signChunk(Sha256.hash(as(65536))));
    assertEquals(CHUNK2, chain.signChunk(Sha256.hash(as(1024))));
    assertEquals(FINAL, chain.signChunk(Sha256.hash(new byte[0])));
  }

  @Test
  void verifyAdvancesOnlyOnMatch() {
    ChunkSignatureChain chain = documentationChain();
    byte[] hash1 = Sha256.hash(as(65536));
    assertFalse(chain.verifyChunk(hash1, CHUNK2));
    assertEquals(SEED, chain.previousSignature());
    assertFalse(chain.verifyChunk(hash1, null));
    assertTrue(chain.verifyChunk(hash1, CHUNK1));
    assertEquals(CHUNK1, chain.previousSignature());
    assertTrue(chain.verifyChunk(Sha256.hash(as(1024)), CHUNK2));
  }

  @Test
  void trailerStringToSignFollowsTheSpec() {
    ChunkSignatureChain chain = documentationChain();
    chain.signChunk(Sha256.hash(as(65536)));
    chain.signChunk(Sha256.hash(as(1024)));
    chain.signChunk(Sha256.hash(new byte[0]));
    byte[] trailerHash = Sha256.hash("x-amz-checksum-crc32c:sOO8/Q==\n".getBytes(StandardCharsets.UTF_8));
    String text = "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        + FINAL + "\n" + HexFormat.of().formatHex(trailerHash);
    byte[] key = SigningKeyCache.derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SCOPE);
    String expected = HexFormat.of().formatHex(Hmac.sha256(key, text.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, chain.trailerSignature(trailerHash));
    assertTrue(chain.verifyTrailer(trailerHash, expected));
  }
}
