package dev.tokengate.sigv4.chunked;

import static dev.tokengate.sigv4.chunked.ChunkSignatureChainTest.documentationChain;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.PayloadMode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzzes the aws-chunked decoder. Contract: fed any bytes in any split, it either finishes or fails
 * with {@link AuthenticationException}; it never hands the sink more bytes than it was fed, nor a
 * range outside the buffer; a body it accepts matches its declared decoded length. A body encoded
 * correctly always decodes to its payload, whatever the split.
 */
class AwsChunkedParserFuzzTest {

  private static final PayloadMode[] MODES = {PayloadMode.STREAMING_SIGNED,
      PayloadMode.STREAMING_SIGNED_TRAILER, PayloadMode.STREAMING_UNSIGNED_TRAILER};
  private static final String[] TRAILERS = {null, "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
      "x-amz-checksum-sha256", "x-amz-checksum-sha1", "x-amz-checksum-crc64nvme", "X-Amz-Checksum-CRC32 "};

  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"\\x0D\\x0A", ";chunk-signature=", "x-amz-trailer-signature:", "x-amz-checksum-crc32:",
      "0\\x0D\\x0A", "400;chunk-signature=", "ffffffff", "AAAAAA==", ";", ":"})
  void arbitraryBody(FuzzedDataProvider data) {
    PayloadMode mode = data.pickValue(MODES);
    long declared = data.consumeBoolean() ? -1 : data.consumeLong(-2, 1 << 20);
    String trailer = data.pickValue(TRAILERS);
    long[] delivered = {0};
    PayloadSink sink = (buf, pos, len) -> {
      if (len < 1 || pos < 0 || pos + len > buf.limit()) {
        throw new AssertionError("sink range " + pos + "+" + len + " outside the buffer " + buf);
      }
      delivered[0] += len;
    };
    AwsChunkedParser parser;
    try {
      parser = new AwsChunkedParser(mode, documentationChain(), declared, trailer, sink);
    } catch (IllegalArgumentException refusedConfiguration) {
      return;
    }
    byte[] body = data.consumeRemainingAsBytes();
    try {
      feedInPieces(parser, body, body.length % 7 + 1);
    } catch (AuthenticationException expected) {
      return;
    }
    if (delivered[0] > body.length || delivered[0] != parser.decodedLength()) {
      throw new AssertionError("delivered " + delivered[0] + " bytes of a " + body.length + "-byte body");
    }
    if (declared >= 0 && parser.decodedLength() != declared) {
      throw new AssertionError("accepted " + parser.decodedLength() + " bytes, declared " + declared);
    }
  }

  @FuzzTest(maxDuration = "10m")
  void roundTrip(FuzzedDataProvider data) throws AuthenticationException {
    boolean signed = data.consumeBoolean();
    int chunkSize = data.consumeInt(1, 9000);
    int piece = data.consumeInt(1, 5000);
    byte[] payload = data.consumeRemainingAsBytes();
    byte[] body = ChunkedBodies.encode(payload, chunkSize, signed ? documentationChain() : null);
    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    AwsChunkedParser parser = new AwsChunkedParser(
        signed ? PayloadMode.STREAMING_SIGNED : PayloadMode.STREAMING_UNSIGNED_TRAILER,
        documentationChain(), payload.length, null, (buf, pos, len) -> {
          for (int i = 0; i < len; i++) {
            decoded.write(buf.get(pos + i));
          }
        });
    feedInPieces(parser, body, piece);
    if (!Arrays.equals(decoded.toByteArray(), payload)) {
      throw new AssertionError("decoded payload differs from the encoded one");
    }
  }

  private static void feedInPieces(AwsChunkedParser parser, byte[] body, int piece)
      throws AuthenticationException {
    for (int offset = 0; offset < body.length; offset += piece) {
      int n = Math.min(piece, body.length - offset);
      ByteBuffer buf = ByteBuffer.allocate(n + 4);
      buf.position(2).put(body, offset, n).flip().position(2);
      parser.feed(buf);
      if (buf.hasRemaining()) {
        throw new AssertionError("feed left " + buf.remaining() + " bytes unread");
      }
    }
    parser.finish();
  }
}
