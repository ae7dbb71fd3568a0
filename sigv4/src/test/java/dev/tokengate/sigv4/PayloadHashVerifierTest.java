package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadHashVerifierTest {

  private static final byte[] BODY = "Welcome to Amazon S3.".getBytes(StandardCharsets.US_ASCII);
  private static final String HASH =
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";

  @Test
  void matchingBodyInPieces() throws Exception {
    PayloadHashVerifier v = new PayloadHashVerifier(HASH.toUpperCase());
    ByteBuffer first = ByteBuffer.wrap(BODY, 0, 7);
    v.update(first);
    assertEquals(0, first.position());
    v.update(BODY, 7, BODY.length - 7);
    assertEquals(BODY.length, v.length());
    v.finish();
  }

  @Test
  void alteredBodyIsPayloadHashMismatch() {
    PayloadHashVerifier v = new PayloadHashVerifier(HASH);
    v.update(BODY, 0, BODY.length - 1);
    AuthenticationException e = assertThrows(AuthenticationException.class, v::finish);
    assertEquals(AuthFailure.PAYLOAD_HASH_MISMATCH, e.reason());
    assertEquals(HASH, e.details().get("ClientComputedContentSHA256"));
  }
}
