package dev.tokengate.sigv4.chunked;

import dev.tokengate.sigv4.AuthFailure;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes an aws-chunked body incrementally: bytes may arrive in any split, payload ranges go to a
 * {@link PayloadSink} without copying, chunk signatures are checked against the {@link
 * ChunkSignatureChain} as each chunk ends, then the trailer (signature and x-amz-checksum-*) and
 * the decoded length are checked at the final CRLF. Not thread-safe: one parser per request body.
 *
 * <p>Grammar: {@code hex-size[;chunk-signature=sig]\r\n data \r\n} … {@code 0[;chunk-signature=sig]\r\n}
 * then trailer lines {@code name:value\r\n} and an empty line {@code \r\n}.
 */
public final class AwsChunkedParser {

  /** Longest chunk-header or trailer line (MinIO's bound), CRLF excluded. */
  public static final int MAX_LINE_BYTES = 4096;
  /** Largest chunk accepted by default (MinIO's bound). */
  public static final int MAX_CHUNK_BYTES = 16 * 1024 * 1024;

  private static final String SIGNATURE_EXTENSION = "chunk-signature=";
  private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

  private enum State { CHUNK_HEADER, DATA, DATA_CR, DATA_LF, TRAILER, DONE, FAILED }

  private final boolean signedChunks;
  private final boolean trailerAllowed;
  private final ChunkSignatureChain chain;
  private final long declaredLength;
  private final int maxChunkBytes;
  private final String declaredTrailer;
  private final TrailerChecksum checksum;
  private final PayloadSink sink;
  private final MessageDigest chunkDigest;
  private final byte[] line = new byte[MAX_LINE_BYTES + 1];
  private final Map<String, String> trailers = new LinkedHashMap<>();
  private final StringBuilder canonicalTrailers = new StringBuilder();

  private State state = State.CHUNK_HEADER;
  private int lineLength;
  private int chunkRemaining;
  private String chunkSignature;
  private long decoded;
  private String trailerSignature;

  /**
   * @param mode an aws-chunked mode
   * @param chain the signature chain; required for signed modes, ignored otherwise
   * @param decodedContentLength {@code x-amz-decoded-content-length}, or -1 when not sent
   * @param declaredTrailer the {@code x-amz-trailer} header value (e.g. {@code
   *     x-amz-checksum-crc32}), or null; its checksum is computed while streaming and compared
   */
  public AwsChunkedParser(
      PayloadMode mode,
      ChunkSignatureChain chain,
      long decodedContentLength,
      String declaredTrailer,
      PayloadSink sink) {
    this(mode, chain, decodedContentLength, declaredTrailer, MAX_CHUNK_BYTES, sink);
  }

  /** As above, with {@code maxChunkBytes} the largest chunk accepted. */
  public AwsChunkedParser(
      PayloadMode mode,
      ChunkSignatureChain chain,
      long decodedContentLength,
      String declaredTrailer,
      int maxChunkBytes,
      PayloadSink sink) {
    if (!mode.isAwsChunked()) {
      throw new IllegalArgumentException("an aws-chunked payload mode is required, got " + mode);
    }
    this.signedChunks = mode != PayloadMode.STREAMING_UNSIGNED_TRAILER;
    this.trailerAllowed = mode != PayloadMode.STREAMING_SIGNED;
    if (signedChunks && chain == null) {
      throw new IllegalArgumentException("signed aws-chunked bodies need a signature chain");
    }
    this.chain = chain;
    this.declaredLength = decodedContentLength;
    this.maxChunkBytes = maxChunkBytes;
    this.declaredTrailer =
        declaredTrailer == null ? null : declaredTrailer.trim().toLowerCase(Locale.ROOT);
    this.checksum = this.declaredTrailer == null ? null : TrailerChecksum.forTrailer(this.declaredTrailer);
    this.sink = sink;
    this.chunkDigest = signedChunks ? Sha256.newDigest() : null;
  }

  /**
   * Consumes all remaining bytes of {@code in} (its position ends at its limit).
   *
   * @throws AuthenticationException CHUNK_SIGNATURE_MISMATCH, MALFORMED_CHUNKED_BODY,
   *     CHECKSUM_MISMATCH; the parser is unusable afterwards
   */
  public void feed(ByteBuffer in) throws AuthenticationException {
    if (state == State.FAILED) {
      throw new IllegalStateException("a failed aws-chunked parser cannot be fed again");
    }
    try {
      while (in.hasRemaining()) {
        switch (state) {
          case DATA -> data(in);
          case DATA_CR -> expect(in.get(), '\r', State.DATA_LF);
          case DATA_LF -> expect(in.get(), '\n', State.CHUNK_HEADER);
          case CHUNK_HEADER, TRAILER -> lineByte(in.get());
          case DONE -> throw malformed("data after the end of the aws-chunked body");
          default -> throw new IllegalStateException("unreachable parser state " + state);
        }
      }
    } catch (AuthenticationException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * Ends the body.
   *
   * @throws AuthenticationException MALFORMED_CHUNKED_BODY when the body stopped before its end
   */
  public void finish() throws AuthenticationException {
    if (state != State.DONE) {
      state = State.FAILED;
      throw malformed("the aws-chunked body is truncated");
    }
  }

  /** True once the final chunk, the trailers and the closing CRLF were read and verified. */
  public boolean isDone() {
    return state == State.DONE;
  }

  /** Decoded payload bytes so far. */
  public long decodedLength() {
    return decoded;
  }

  /** Trailer headers received (lower-case names, trimmed values), signature excluded. */
  public Map<String, String> trailers() {
    return Collections.unmodifiableMap(trailers);
  }

  private void data(ByteBuffer in) throws AuthenticationException {
    int n = Math.min(chunkRemaining, in.remaining());
    int position = in.position();
    int limit = in.limit();
    sink.payload(in, position, n);
    in.limit(position + n);
    if (chunkDigest != null) {
      in.position(position);
      chunkDigest.update(in);
    }
    if (checksum != null) {
      in.position(position);
      checksum.update(in);
    }
    in.limit(limit);
    in.position(position + n);
    chunkRemaining -= n;
    decoded += n;
    if (declaredLength >= 0 && decoded > declaredLength) {
      throw malformed("more data than x-amz-decoded-content-length");
    }
    if (chunkRemaining == 0) {
      verifyChunk(chunkDigest == null ? null : chunkDigest.digest());
      state = State.DATA_CR;
    }
  }

  private void expect(byte actual, char wanted, State next) throws AuthenticationException {
    if (actual != wanted) {
      throw malformed("chunk data must be followed by CRLF");
    }
    state = next;
  }

  private void lineByte(byte b) throws AuthenticationException {
    if (b != '\n') {
      if (lineLength == line.length) {
        throw malformed("line longer than " + MAX_LINE_BYTES + " bytes");
      }
      line[lineLength++] = b;
      return;
    }
    if (lineLength == 0 || line[lineLength - 1] != '\r') {
      throw malformed("lines must end with CRLF");
    }
    String text = new String(line, 0, lineLength - 1, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    if (state == State.CHUNK_HEADER) {
      chunkHeader(text);
    } else {
      trailerLine(text);
    }
  }

  private void chunkHeader(String text) throws AuthenticationException {
    int semicolon = text.indexOf(';');
    String hex = semicolon < 0 ? text : text.substring(0, semicolon);
    int size = parseSize(hex.trim());
    chunkSignature = null;
    if (semicolon >= 0) {
      String extension = text.substring(semicolon + 1).trim();
      if (extension.startsWith(SIGNATURE_EXTENSION)) {
        chunkSignature = extension.substring(SIGNATURE_EXTENSION.length());
      }
    }
    if (signedChunks && chunkSignature == null) {
      throw malformed("chunk-signature missing");
    }
    if (size == 0) {
      verifyChunk(chunkDigest == null ? null : chunkDigest.digest());
      state = State.TRAILER;
      return;
    }
    chunkRemaining = size;
    state = State.DATA;
  }

  private int parseSize(String hex) throws AuthenticationException {
    if (hex.isEmpty() || hex.length() > 8) {
      throw malformed("bad chunk size '" + hex + "'");
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      int digit = Character.digit(hex.charAt(i), 16);
      if (digit < 0) {
        throw malformed("bad chunk size '" + hex + "'");
      }
      size = size * 16 + digit;
    }
    if (size > maxChunkBytes) {
      throw malformed("chunk larger than " + maxChunkBytes + " bytes");
    }
    return (int) size;
  }

  private void verifyChunk(byte[] sha256) throws AuthenticationException {
    if (signedChunks && !chain.verifyChunk(sha256, chunkSignature)) {
      throw new AuthenticationException(
          AuthFailure.CHUNK_SIGNATURE_MISMATCH,
          "The request signature we calculated does not match the signature you provided.");
    }
  }

  private void trailerLine(String text) throws AuthenticationException {
    if (text.isEmpty()) {
      end();
      return;
    }
    if (!trailerAllowed) {
      throw malformed("trailers are not allowed with STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw malformed("trailer line is not name:value");
    }
    String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = text.substring(colon + 1).trim();
    if (name.equals(TRAILER_SIGNATURE)) {
      if (trailerSignature != null) {
        throw malformed("x-amz-trailer-signature given twice");
      }
      trailerSignature = value;
      return;
    }
    // Only the trailer x-amz-trailer announced, once: anything else is a header nobody checked.
    if (!name.equals(declaredTrailer)) {
      throw malformed("the trailer " + name + " was not announced in x-amz-trailer");
    }
    if (trailers.containsKey(name)) {
      throw malformed("the trailer " + name + " is given twice");
    }
    trailers.put(name, value);
    canonicalTrailers.append(name).append(':').append(value).append('\n');
  }

  private void end() throws AuthenticationException {
    if (declaredLength >= 0 && decoded != declaredLength) {
      throw malformed("decoded " + decoded + " bytes, x-amz-decoded-content-length says "
          + declaredLength);
    }
    if (declaredTrailer != null && !trailers.containsKey(declaredTrailer)) {
      throw malformed("the trailer " + declaredTrailer + " announced in x-amz-trailer is missing");
    }
    if (signedChunks && trailerAllowed) {
      byte[] hash = Sha256.hash(canonicalTrailers.toString().getBytes(StandardCharsets.UTF_8));
      if (trailerSignature == null) {
        throw malformed("x-amz-trailer-signature missing");
      }
      if (!chain.verifyTrailer(hash, trailerSignature)) {
        throw new AuthenticationException(
            AuthFailure.CHUNK_SIGNATURE_MISMATCH,
            "The trailer signature we calculated does not match the signature you provided.");
      }
    }
    if (checksum != null && !checksum.base64().equals(trailers.get(declaredTrailer))) {
      throw new AuthenticationException(
          AuthFailure.CHECKSUM_MISMATCH,
          "The Content-MD5 or checksum value that you specified did not match what the server"
              + " received.");
    }
    state = State.DONE;
  }

  private static AuthenticationException malformed(String why) {
    return new AuthenticationException(
        AuthFailure.MALFORMED_CHUNKED_BODY,
        "The request body terminated unexpectedly or is not valid aws-chunked: " + why);
  }
}
