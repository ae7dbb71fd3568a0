package dev.tokengate.sigv4.chunked;

import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.Hmac;
import dev.tokengate.sigv4.Sha256;
import dev.tokengate.sigv4.VerifiedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The chain of aws-chunked signatures: each chunk (and the trailer) is signed over the previous
 * signature, starting from the seed signature of the request's Authorization header. Not
 * thread-safe: one chain per request body.
 */
public final class ChunkSignatureChain {

  public static final String CHUNK_ALGORITHM = "AWS4-HMAC-SHA256-PAYLOAD";
  public static final String TRAILER_ALGORITHM = "AWS4-HMAC-SHA256-TRAILER";

  private final byte[] signingKey;
  private final String dateAndScope;
  private String previous;

  /**
   * @param amzDate the request's {@code yyyyMMdd'T'HHmmss'Z'}
   * @param seedSignature the verified signature of the request head
   */
  public ChunkSignatureChain(
      byte[] signingKey, String amzDate, CredentialScope scope, String seedSignature) {
    this.signingKey = signingKey.clone();
    this.dateAndScope = amzDate + '\n' + scope + '\n';
    this.previous = seedSignature;
  }

  /** The chain of a request whose head signature has been verified. */
  public static ChunkSignatureChain of(VerifiedRequest verified) {
    return new ChunkSignatureChain(
        verified.signingKey(),
        verified.authorization().amzDate(),
        verified.authorization().credential().scope(),
        verified.authorization().signature());
  }

  /** The last signature accepted (the seed before the first chunk). */
  public String previousSignature() {
    return previous;
  }

  /** The expected signature of the next chunk, without advancing the chain. */
  public String chunkSignature(byte[] chunkSha256) {
    return sign(CHUNK_ALGORITHM + '\n' + dateAndScope + previous + '\n' + Sha256.EMPTY_HEX + '\n'
        + HexFormat.of().formatHex(chunkSha256));
  }

  /** The expected trailer signature (after the final chunk), without advancing the chain. */
  public String trailerSignature(byte[] trailerSha256) {
    return sign(TRAILER_ALGORITHM + '\n' + dateAndScope + previous + '\n'
        + HexFormat.of().formatHex(trailerSha256));
  }

  /** Signs the next chunk and advances (outbound encoding, tests). */
  public String signChunk(byte[] chunkSha256) {
    previous = chunkSignature(chunkSha256);
    return previous;
  }

  /** Signs the trailer and advances. */
  public String signTrailer(byte[] trailerSha256) {
    previous = trailerSignature(trailerSha256);
    return previous;
  }

  /** Compares in constant time; advances only when the chunk signature matches. */
  public boolean verifyChunk(byte[] chunkSha256, String provided) {
    return accept(chunkSignature(chunkSha256), provided);
  }

  /** Compares in constant time; advances only when the trailer signature matches. */
  public boolean verifyTrailer(byte[] trailerSha256, String provided) {
    return accept(trailerSignature(trailerSha256), provided);
  }

  private boolean accept(String expected, String provided) {
    boolean ok = provided != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            provided.getBytes(StandardCharsets.US_ASCII));
    if (ok) {
      previous = expected;
    }
    return ok;
  }

  private String sign(String stringToSign) {
    return HexFormat.of()
        .formatHex(Hmac.sha256(signingKey, stringToSign.getBytes(StandardCharsets.UTF_8)));
  }
}
