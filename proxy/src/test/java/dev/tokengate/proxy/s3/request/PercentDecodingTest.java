package dev.tokengate.proxy.s3.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.s3.S3Exception;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written UTF-8 check must accept exactly what the JDK's reporting decoder accepts. */
class PercentDecodingTest {

  private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  private boolean jdkAccepts(byte[] b, int n) {
    try {
      jdk.reset().decode(ByteBuffer.wrap(b, 0, n));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private void same(byte[] b, int n) {
    assertEquals(jdkAccepts(b, n), PercentDecoding.isWellFormedUtf8(b, n), () -> hex(b, n));
  }

  @Test
  void everyOneAndTwoByteSequence() {
    byte[] b = new byte[2];
    for (int x = 0; x < 256; x++) {
      b[0] = (byte) x;
      same(b, 1);
      for (int y = 0; y < 256; y++) {
        b[1] = (byte) y;
        same(b, 2);
      }
    }
  }

  @Test
  void everyLeadAndSecondByteWithEdgeThirdBytes() {
    byte[] b = new byte[3];
    int[] edges = {0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xf4, 0xff};
    for (int x = 0xc0; x < 256; x++) {
      for (int y = 0; y < 256; y++) {
        for (int z : edges) {
          b[0] = (byte) x;
          b[1] = (byte) y;
          b[2] = (byte) z;
          same(b, 3);
        }
      }
    }
  }

  @Test
  void fourByteLeadsAndRandomStrings() {
    byte[] b = new byte[4];
    for (int x = 0xf0; x < 256; x++) {
      for (int y = 0x70; y < 0xd0; y++) {
        for (int z = 0x70; z < 0xd0; z += 7) {
          for (int w = 0x70; w < 0xd0; w += 5) {
            b[0] = (byte) x;
            b[1] = (byte) y;
            b[2] = (byte) z;
            b[3] = (byte) w;
            same(b, 4);
          }
        }
      }
    }
    Random random = new Random(42);
    byte[] r = new byte[12];
    for (int i = 0; i < 50_000; i++) {
      for (int k = 0; k < r.length; k++) {
        // Mostly bytes from the multi-byte ranges, where the rules are.
        r[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
      }
      same(r, 1 + random.nextInt(r.length));
    }
  }

  @Test
  void decodesAndRefuses() throws S3Exception {
    assertEquals("a+b c", PercentDecoding.path("a+b%20c"));
    assertEquals("a b c", PercentDecoding.form("a+b%20c"));
    assertEquals("\u00e9\ud83d\ude00", PercentDecoding.path("%C3%A9%F0%9F%98%80"));
    assertEquals("\u00e9", PercentDecoding.path("\u00c3\u00a9")); // raw UTF-8 bytes as ISO-8859-1 chars
    for (String bad : new String[] {"%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82", "%zz", "%4", "a%00b",
        "%C3", "\u0100"}) {
      assertThrows(S3Exception.class, () -> PercentDecoding.path(bad), bad);
    }
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%02X ", b[i] & 0xff));
    }
    return sb.toString();
  }
}
