package dev.tokengate.sigv4.chunked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrailerChecksumTest {

  private static String of(String trailer, String data) {
    TrailerChecksum c = TrailerChecksum.forTrailer(trailer);
    c.update(ByteBuffer.wrap(data.getBytes(StandardCharsets.US_ASCII)));
    return c.base64();
  }

  @Test
  void knownValuesOfTheCheckString() {
    // Standard check values of "123456789": CRC32 cbf43926, CRC32C e3069283.
    assertEquals("y/Q5Jg==", of("x-amz-checksum-crc32", "123456789"));
    assertEquals("4waSgw==", of("X-Amz-Checksum-CRC32C", "123456789"));
    assertEquals("2jmj7l5rSw0yVb/vlWAYkK/YBwk=", of("x-amz-checksum-sha1", ""));
    assertEquals("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", of("x-amz-checksum-sha256", ""));
  }

  @Test
  void unknownAlgorithmIsNotVerified() {
    assertNull(TrailerChecksum.forTrailer("x-amz-checksum-crc64nvme"));
  }
}
