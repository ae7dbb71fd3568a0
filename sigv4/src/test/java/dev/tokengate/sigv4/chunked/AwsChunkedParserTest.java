package dev.tokengate.sigv4.chunked;

import static dev.tokengate.sigv4.chunked.ChunkSignatureChainTest.as;
import static dev.tokengate.sigv4.chunked.ChunkSignatureChainTest.documentationChain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.sigv4.AuthFailure;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.PayloadMode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class AwsChunkedParserTest {

  private final ByteArrayOutputStream decoded = new ByteArrayOutputStream();
  private final PayloadSink collect = (buf, pos, len) -> {
    for (int i = 0; i < len; i++) {
      decoded.write(buf.get(pos + i));
    }
  };

  /** The S3 streaming example body: 65536 + 1024 bytes of 'a', 66824 bytes encoded. */
  private static byte[] documentationBody() {
    return ChunkedBodies.encode(as(66560), 65536, documentationChain());
  }

  private AwsChunkedParser signedParser(long decodedLength) {
    return new AwsChunkedParser(PayloadMode.STREAMING_SIGNED, documentationChain(), decodedLength,
        null, collect);
  }

  /** Feeds {@code body} split at random points (including 1-byte pieces), then finishes. */
  private static void feedRandomly(AwsChunkedParser parser, byte[] body, long seed)
      throws AuthenticationException {
    Random random = new Random(seed);
    int offset = 0;
    while (offset < body.length) {
      int n = Math.min(body.length - offset, random.nextBoolean() ? 1 + random.nextInt(3)
          : 1 + random.nextInt(9000));
      // A wider buffer whose position is not 0 checks that the parser uses absolute indexes.
      ByteBuffer buf = ByteBuffer.allocate(n + 10);
      buf.position(5);
      buf.put(body, offset, n);
      buf.flip().position(5);
      parser.feed(buf);
      assertEquals(buf.limit(), buf.position());
      offset += n;
    }
    parser.finish();
  }

  @Test
  void documentationBodyHasTheDocumentedLengthAndDecodes() throws Exception {
    byte[] body = documentationBody();
    assertEquals(66824, body.length);
    assertTrue(new String(body, 0, 100, StandardCharsets.US_ASCII)
        .startsWith("10000;chunk-signature=" + ChunkSignatureChainTest.CHUNK1 + "\r\n"));
    AwsChunkedParser parser = signedParser(66560);
    parser.feed(ByteBuffer.wrap(body));
    parser.finish();
    assertTrue(parser.isDone());
    assertArrayEquals(as(66560), decoded.toByteArray());
  }

  @Test
  void randomSplitsDecodeIdentically() throws Exception {
    byte[] body = documentationBody();
    for (long seed = 1; seed <= 20; seed++) {
      decoded.reset();
      feedRandomly(signedParser(66560), body, seed);
      assertArrayEquals(as(66560), decoded.toByteArray(), "seed " + seed);
    }
  }

  @Test
  void oneByteAtATime() throws Exception {
    byte[] payload = new byte[3000];
    new Random(7).nextBytes(payload);
    byte[] body = ChunkedBodies.encode(payload, 1000, documentationChain());
    AwsChunkedParser parser = signedParser(payload.length);
    for (byte b : body) {
      parser.feed(ByteBuffer.wrap(new byte[] {b}));
    }
    parser.finish();
    assertArrayEquals(payload, decoded.toByteArray());
  }

  @Test
  void flippedPayloadByteIsChunkSignatureMismatch() {
    byte[] body = documentationBody();
    body[66000] ^= 1; // inside chunk 2 (data starts at 65712)
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> feedRandomly(signedParser(66560), body, 3));
    assertEquals(AuthFailure.CHUNK_SIGNATURE_MISMATCH, e.reason());
  }

  @Test
  void truncatedBodyIsMalformed() {
    byte[] body = documentationBody();
    for (int cut : new int[] {0, 10, 40000, body.length - 3, body.length - 1}) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> feedRandomly(signedParser(66560), Arrays.copyOf(body, cut), cut));
      assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, e.reason(), "cut at " + cut);
    }
  }

  @Test
  void decodedLengthMustMatch() {
    byte[] body = documentationBody();
    assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, assertThrows(AuthenticationException.class,
        () -> feedRandomly(signedParser(66561), body, 1)).reason());
    assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, assertThrows(AuthenticationException.class,
        () -> feedRandomly(signedParser(100), body, 1)).reason());
  }

  @Test
  void framingErrorsAreMalformed() {
    String sig = ";chunk-signature=" + ChunkSignatureChainTest.CHUNK1;
    String[] bodies = {
      "zz" + sig + "\r\n",                         // bad hex
      "10000" + sig + "\n",                         // LF without CR
      "2000000" + sig + "\r\n",                     // 32 MiB chunk
      "a".repeat(5000) + "\r\n",                    // line over 4 KiB
      "10000\r\n",                                  // signature missing
    };
    for (String body : bodies) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> signedParser(-1).feed(ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII))));
      assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, e.reason(), body);
    }
  }

  @Test
  void missingCrlfAfterDataIsMalformed() {
    byte[] body = ChunkedBodies.encode(as(4), 4, documentationChain());
    int dataEnd = new String(body, StandardCharsets.ISO_8859_1).indexOf("aaaa") + 4;
    body[dataEnd] = 'x';
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> signedParser(4).feed(ByteBuffer.wrap(body)));
    assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, e.reason());
  }

  private static String crc32(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    long v = crc.getValue();
    return Base64.getEncoder().encodeToString(
        new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  @Test
  void unsignedTrailerChecksumGoodAndBad() throws Exception {
    byte[] payload = "hello world, this is an unsigned trailer upload".getBytes(StandardCharsets.UTF_8);
    byte[] good = ChunkedBodies.encode(payload, 16, null, "x-amz-checksum-crc32:" + crc32(payload));
    AwsChunkedParser parser = new AwsChunkedParser(PayloadMode.STREAMING_UNSIGNED_TRAILER, null,
        payload.length, "x-amz-checksum-crc32", collect);
    feedRandomly(parser, good, 5);
    assertArrayEquals(payload, decoded.toByteArray());
    assertEquals(crc32(payload), parser.trailers().get("x-amz-checksum-crc32"));

    byte[] bad = ChunkedBodies.encode(payload, 16, null, "x-amz-checksum-crc32:AAAAAA==");
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> feedRandomly(new AwsChunkedParser(PayloadMode.STREAMING_UNSIGNED_TRAILER, null,
            payload.length, "x-amz-checksum-crc32", (b, p, l) -> { }), bad, 5));
    assertEquals(AuthFailure.CHECKSUM_MISMATCH, e.reason());
  }

  @Test
  void signedTrailerVerifiesAndTamperingIsDetected() throws Exception {
    byte[] payload = as(70000);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    long v = crc.getValue();
    String value = Base64.getEncoder().encodeToString(
        new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    byte[] body = ChunkedBodies.encode(payload, 65536, documentationChain(),
        "x-amz-checksum-crc32c:" + value);
    AwsChunkedParser parser = new AwsChunkedParser(PayloadMode.STREAMING_SIGNED_TRAILER,
        documentationChain(), payload.length, "x-amz-checksum-crc32c", collect);
    feedRandomly(parser, body, 11);
    assertArrayEquals(payload, decoded.toByteArray());

    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("x-amz-trailer-signature:") + "x-amz-trailer-signature:".length();
    byte[] tampered = body.clone();
    tampered[at] = (byte) (tampered[at] == '0' ? '1' : '0');
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> feedRandomly(new AwsChunkedParser(PayloadMode.STREAMING_SIGNED_TRAILER,
            documentationChain(), payload.length, "x-amz-checksum-crc32c", (b, p, l) -> { }),
            tampered, 11));
    assertEquals(AuthFailure.CHUNK_SIGNATURE_MISMATCH, e.reason());
  }

  @Test
  void dataAfterTheEndIsMalformed() {
    byte[] body = ChunkedBodies.encode(as(10), 10, documentationChain());
    byte[] longer = Arrays.copyOf(body, body.length + 1);
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> signedParser(10).feed(ByteBuffer.wrap(longer)));
    assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, e.reason());
  }

  @Test
  void aTrailerThatWasNotAnnouncedOrIsRepeatedIsMalformed() {
    byte[] payload = "trailer smuggling".getBytes(StandardCharsets.UTF_8);
    String crc = "x-amz-checksum-crc32:" + crc32(payload);
    for (String[] trailers : new String[][] {{crc, "x-amz-acl:public-read"}, {"x-amz-acl:public-read", crc},
        {crc, crc}, {"x-amz-checksum-sha256:AAAA"}}) {
      byte[] body = ChunkedBodies.encode(payload, 8, null, trailers);
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> feedRandomly(new AwsChunkedParser(PayloadMode.STREAMING_UNSIGNED_TRAILER, null,
              payload.length, "x-amz-checksum-crc32", (b, p, l) -> { }), body, 5), String.join(",", trailers));
      assertEquals(AuthFailure.MALFORMED_CHUNKED_BODY, e.reason(), String.join(",", trailers));
    }
  }
}
