package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import dev.tokengate.sigv4.chunked.ChunkSignatureChain;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * aws-chunked uploads as SDKs send them (signed chunks; unsigned chunks with a CRC32 trailer): the
 * backend stores the plain bytes; a flipped byte or a wrong checksum is refused and nothing stored.
 */
@Timeout(120)
class AwsChunkedUploadTest {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The chunk bound is set just above the SDK-sized chunks the other tests send. */
  static final int MAX_CHUNK = 64 * 1024;

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("limits: {maxAwsChunkBytes: " + MAX_CHUNK + "}");
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void bucket() throws Exception {
    assertEquals(200, admin("PUT", "/chunky").statusCode());
  }

  static HttpResponse<String> admin(String method, String path) throws Exception {
    return proxy.adminClient().send(method, path, new byte[0], Map.of());
  }

  /** Signs the head with a STREAMING-* payload and frames {@code data} into chunks of {@code chunkSize}. */
  static HttpResponse<String> upload(String key, byte[] data, int chunkSize, boolean signed, int corruptAt, boolean badCrc)
      throws Exception {
    return upload(key, data, chunkSize, signed, corruptAt, badCrc, false);
  }

  /** As above; {@code badFinalSignature}: the final (0-byte) chunk's signature is not the chain's. */
  static HttpResponse<String> upload(
      String key, byte[] data, int chunkSize, boolean signed, int corruptAt, boolean badCrc, boolean badFinalSignature)
      throws Exception {
    return chunked(key, data, chunkSize, signed, corruptAt, badCrc, badFinalSignature).send();
  }

  static ChunkedUpload chunked(
      String key, byte[] data, int chunkSize, boolean signed, int corruptAt, boolean badCrc, boolean badFinalSignature)
      throws Exception {
    URI uri = URI.create(proxy.endpoint() + "/chunky/" + key);
    Instant now = Instant.now();
    String amzDate = AMZ_DATE.format(now);
    String mode = signed ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" : "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("content-encoding", "aws-chunked"));
    headers.add(new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()));
    headers.add(new SignedRequest.Header("x-amz-content-sha256", mode));
    headers.add(new SignedRequest.Header("x-amz-date", amzDate));
    headers.add(new SignedRequest.Header("x-amz-decoded-content-length", Integer.toString(data.length)));
    if (!signed) {
      headers.add(new SignedRequest.Header("x-amz-trailer", "x-amz-checksum-crc32"));
    }
    SigningKeyCache keys = new SigningKeyCache(4);
    String authorization =
        new RequestSigner(keys).authorization(new SignedRequest("PUT", uri.getRawPath(), "", headers),
            proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(), "us-east-1", "s3", amzDate, mode);
    String seed = authorization.substring(authorization.indexOf("Signature=") + "Signature=".length());
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), "us-east-1", "s3");
    ChunkSignatureChain chain =
        new ChunkSignatureChain(keys.signingKey(proxy.admin().secretAccessKey(), scope), amzDate, scope, seed);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int off = 0; ; off += chunkSize) {
      int n = Math.max(0, Math.min(chunkSize, data.length - off));
      off = Math.min(off, data.length);
      byte[] chunk = java.util.Arrays.copyOfRange(data, off, off + n);
      body.write(Integer.toHexString(n).getBytes(StandardCharsets.US_ASCII));
      if (signed) {
        String signature = chain.signChunk(sha256(chunk));
        if (n == 0 && badFinalSignature) {
          signature = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);
        }
        body.write((";chunk-signature=" + signature).getBytes(StandardCharsets.US_ASCII));
      }
      body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      if (corruptAt >= off && corruptAt < off + n) {
        chunk = chunk.clone();
        chunk[corruptAt - off] ^= 1;
      }
      body.write(chunk);
      if (n > 0) {
        body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      if (n == 0) {
        break;
      }
    }
    if (signed) {
      body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      CRC32 crc = new CRC32();
      crc.update(data);
      long value = crc.getValue() ^ (badCrc ? 1 : 0);
      String b64 = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) value).array());
      body.write(("x-amz-checksum-crc32:" + b64 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    return new ChunkedUpload(uri, authorization, headers, body.toByteArray());
  }

  /** A signed aws-chunked PUT, ready to send. */
  record ChunkedUpload(URI uri, String authorization, List<SignedRequest.Header> headers, byte[] body) {
    HttpResponse<String> send() throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
              .header("Authorization", authorization);
      for (SignedRequest.Header h : headers) {
        if (!h.name().equals("host")) {
          request.header(h.name(), h.value());
        }
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The head alone, a pause long enough for the proxy to reach the backend, then the body. */
    String sendHeadFirst(Duration pause) throws Exception {
      StringBuilder head = new StringBuilder("PUT " + uri.getRawPath() + " HTTP/1.1\r\n");
      for (SignedRequest.Header h : headers) {
        head.append(h.name()).append(": ").append(h.value()).append("\r\n");
      }
      head.append("authorization: ").append(authorization).append("\r\n");
      head.append("content-length: ").append(body.length).append("\r\nconnection: close\r\n\r\n");
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(pause.toMillis());
        out.write(body);
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  @Test
  void signedChunksAreVerifiedAndStoredPlain() throws Exception {
    byte[] data = "hello aws-chunked world, ".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> put = upload("signed.txt", data, 64 * 1024, true, -1, false);
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<String> get = admin("GET", "/chunky/signed.txt");
    assertEquals(new String(data, StandardCharsets.US_ASCII), get.body());
    assertArrayEquals(data, proxy.backend().read("chunky", "signed.txt").orElseThrow(), "the backend holds the plain bytes");
  }

  @Test
  void unsignedChunksWithCrc32TrailerAreStoredPlain() throws Exception {
    byte[] data = "trailer checksum body ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> put = upload("trailer.txt", data, 8192, false, -1, false);
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(new String(data, StandardCharsets.US_ASCII), admin("GET", "/chunky/trailer.txt").body());
    assertArrayEquals(data, proxy.backend().read("chunky", "trailer.txt").orElseThrow(), "the backend holds the plain bytes");
  }

  @Test
  void flippedByteInASignedChunkIsRefusedAndNothingIsStored() throws Exception {
    byte[] data = "abcdefgh".repeat(40_000).getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> put = upload("flipped.txt", data, 64 * 1024, true, 70_000, false);
    assertEquals(403, put.statusCode(), put.body());
    assertEquals("SignatureDoesNotMatch", RawS3Client.element(put.body(), "Code"));
    assertEquals(404, admin("HEAD", "/chunky/flipped.txt").statusCode());
    assertFalse(proxy.backend().exists("chunky", "flipped.txt"));
  }

  @Test
  void wrongTrailerChecksumIsBadDigestAndNothingIsStored() throws Exception {
    byte[] data = "crc crc crc ".repeat(5_000).getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> put = upload("badcrc.txt", data, 4096, false, -1, true);
    assertEquals(400, put.statusCode(), put.body());
    assertEquals("BadDigest", RawS3Client.element(put.body(), "Code"));
    assertEquals(404, admin("HEAD", "/chunky/badcrc.txt").statusCode());
    assertFalse(proxy.backend().exists("chunky", "badcrc.txt"));
  }

  @Test
  void emptySignedUploadIsStored() throws Exception {
    HttpResponse<String> put = upload("empty.txt", new byte[0], 64 * 1024, true, -1, false);
    assertEquals(200, put.statusCode(), put.body());
    assertArrayEquals(new byte[0], proxy.backend().read("chunky", "empty.txt").orElseThrow());
  }

  /**
   * An empty body has no last piece to hold back: the request head itself must wait for the final
   * chunk's signature, or the backend would commit the 0-byte object before it is checked.
   */
  @Test
  void emptyUploadWithBadFinalChunkSignatureStoresNothing() throws Exception {
    HttpResponse<String> put = upload("empty-bad.txt", new byte[0], 64 * 1024, true, -1, false, true);
    assertEquals(403, put.statusCode(), put.body());
    assertEquals("SignatureDoesNotMatch", RawS3Client.element(put.body(), "Code"));
    assertFalse(proxy.backend().exists("chunky", "empty-bad.txt"));
  }

  /** The same with the body sent only once the proxy had time to pass the head on. */
  @Test
  void emptyUploadWithBadFinalChunkSignatureSentLateStoresNothing() throws Exception {
    String response =
        chunked("empty-late.txt", new byte[0], 64 * 1024, true, -1, false, true).sendHeadFirst(Duration.ofMillis(700));
    assertTrue(response.startsWith("HTTP/1.1 403 "), response);
    assertTrue(response.contains("<Code>SignatureDoesNotMatch</Code>"), response);
    assertFalse(proxy.backend().exists("chunky", "empty-late.txt"));
  }

  @Test
  void emptyUploadWithWrongTrailerChecksumStoresNothing() throws Exception {
    HttpResponse<String> put = upload("empty-badcrc.txt", new byte[0], 4096, false, -1, true);
    assertEquals(400, put.statusCode(), put.body());
    assertEquals("BadDigest", RawS3Client.element(put.body(), "Code"));
    assertFalse(proxy.backend().exists("chunky", "empty-badcrc.txt"));
  }

  @Test
  void badFinalChunkSignatureAfterDataStoresNothing() throws Exception {
    byte[] data = "final chunk ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> put = upload("final-bad.txt", data, 64 * 1024, true, -1, false, true);
    assertEquals(403, put.statusCode(), put.body());
    assertFalse(proxy.backend().exists("chunky", "final-bad.txt"));
  }

  @Test
  void chunkOverTheConfiguredBoundIsRefusedAndNothingIsStored() throws Exception {
    byte[] data = new byte[MAX_CHUNK + 1];
    HttpResponse<String> put = upload("bigchunk.bin", data, MAX_CHUNK + 1, true, -1, false);
    assertEquals(400, put.statusCode(), put.body());
    assertEquals("IncompleteBody", RawS3Client.element(put.body(), "Code"));
    assertTrue(put.body().contains("chunk larger than " + MAX_CHUNK + " bytes"), put.body());
    assertFalse(proxy.backend().exists("chunky", "bigchunk.bin"));
  }

  @Test
  void chunkAtTheBoundIsStored() throws Exception {
    byte[] data = new byte[MAX_CHUNK];
    HttpResponse<String> put = upload("fullchunk.bin", data, MAX_CHUNK, true, -1, false);
    assertEquals(200, put.statusCode(), put.body());
    assertArrayEquals(data, proxy.backend().read("chunky", "fullchunk.bin").orElseThrow());
  }
}
