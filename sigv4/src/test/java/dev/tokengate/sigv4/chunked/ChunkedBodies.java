package dev.tokengate.sigv4.chunked;

import dev.tokengate.sigv4.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Encodes test payloads as aws-chunked bodies (signed with a chain, or unsigned). */
final class ChunkedBodies {

  private ChunkedBodies() {}

  /**
   * @param chain null for unsigned chunks
   * @param trailerLines e.g. {@code "x-amz-checksum-crc32:AAAAAA=="}, or none
   */
  static byte[] encode(byte[] payload, int chunkSize, ChunkSignatureChain chain,
      String... trailerLines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int offset = 0;
    while (true) {
      int n = Math.min(chunkSize, payload.length - offset);
      byte[] chunk = Arrays.copyOfRange(payload, offset, offset + n);
      String header = Integer.toHexString(n);
      if (chain != null) {
        header += ";chunk-signature=" + chain.signChunk(Sha256.hash(chunk));
      }
      write(out, header + "\r\n");
      if (n == 0) {
        break;
      }
      out.write(chunk, 0, n);
      write(out, "\r\n");
      offset += n;
    }
    if (trailerLines.length > 0) {
      StringBuilder canonical = new StringBuilder();
      for (String line : trailerLines) {
        write(out, line + "\r\n");
        canonical.append(line).append('\n');
      }
      if (chain != null) {
        String sig = chain.signTrailer(Sha256.hash(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        write(out, "x-amz-trailer-signature:" + sig + "\r\n");
      }
    }
    write(out, "\r\n");
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    out.write(b, 0, b.length);
  }
}
