package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PayloadModeTest {

  @Test
  void knownValues() throws Exception {
    assertEquals(PayloadMode.SIGNED, PayloadMode.of(Sha256.EMPTY_HEX));
    assertEquals(PayloadMode.UNSIGNED, PayloadMode.of("UNSIGNED-PAYLOAD"));
    assertEquals(PayloadMode.STREAMING_SIGNED, PayloadMode.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
    assertEquals(PayloadMode.STREAMING_SIGNED_TRAILER,
        PayloadMode.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"));
    assertEquals(PayloadMode.STREAMING_UNSIGNED_TRAILER,
        PayloadMode.of("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
    assertTrue(PayloadMode.STREAMING_UNSIGNED_TRAILER.isAwsChunked());
    assertFalse(PayloadMode.SIGNED.isAwsChunked());
  }

  @Test
  void otherValuesAreInvalid() {
    for (String v : new String[] {null, "", "abc", Sha256.EMPTY_HEX + "0",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-EVENTS",
        "g".repeat(64)}) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> PayloadMode.of(v));
      assertEquals(AuthFailure.INVALID_CONTENT_SHA256, e.reason());
    }
  }
}
