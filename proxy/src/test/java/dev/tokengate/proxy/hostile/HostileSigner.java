package dev.tokengate.proxy.hostile;

import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SigV2Verifier;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import dev.tokengate.sigv4.chunked.ChunkSignatureChain;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Signs a {@link WireRequest} over exactly what it will send (raw path, raw query, header lines in
 * order, with their bytes), with the project's own {@link RequestSigner}, {@link SigV2Verifier}
 * string-to-sign and {@link ChunkSignatureChain}: a hostile request is validly signed, so what
 * refuses it is the proxy's model, not its signature check.
 */
final class HostileSigner {
  static final String REGION = "us-east-1";
  private static final DateTimeFormatter RFC_1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  /** Hop-by-hop and framing headers clients leave out of SignedHeaders (botocore, aws-c-auth). */
  private static final Set<String> NEVER_SIGNED =
      Set.of("connection", "content-length", "transfer-encoding", "expect", "user-agent", "authorization");
  private static final SigningKeyCache KEYS = new SigningKeyCache(64);

  private HostileSigner() {}

  /** SigV4 header auth for service s3, body hashed as sent unless the request names its own hash. */
  static WireRequest v4(WireRequest r, Credentials c) {
    return v4(r, c, "s3", Set.of());
  }

  /**
   * SigV4 header auth. Adds {@code x-amz-date}, {@code x-amz-content-sha256} (for s3) and the token
   * when absent; signs every header line present except hop-by-hop ones and {@code unsigned}.
   */
  static WireRequest v4(WireRequest r, Credentials c, String service, Set<String> unsigned) {
    String amzDate = RawS3Client.amzDate(Instant.now());
    if (r.value("x-amz-date") == null) {
      r.header("x-amz-date", amzDate);
    } else {
      amzDate = r.value("x-amz-date");
    }
    String hash = r.value("x-amz-content-sha256");
    if (hash == null) {
      hash = RawS3Client.sha256(r.body);
      if (service.equals("s3")) {
        r.header("x-amz-content-sha256", hash);
      }
    }
    if (c.sessionToken() != null && r.value("x-amz-security-token") == null) {
      r.header("x-amz-security-token", c.sessionToken());
    }
    List<SignedRequest.Header> signed = new ArrayList<>();
    for (WireRequest.Header h : r.headers) {
      String lower = h.name().toLowerCase(Locale.ROOT);
      if (!NEVER_SIGNED.contains(lower) && !unsigned.contains(lower)) {
        signed.add(new SignedRequest.Header(h.name(), h.value()));
      }
    }
    SignedRequest toSign = new SignedRequest(r.method, r.rawPath(), r.rawQuery(), signed);
    String authorization = new RequestSigner(KEYS)
        .authorization(toSign, c.accessKeyId(), c.secretAccessKey(), REGION, service, amzDate, hash);
    r.header("Authorization", authorization);
    return r;
  }

  /** The seed signature of a request signed by {@link #v4}. */
  static String signatureOf(WireRequest r) {
    String auth = r.value("authorization");
    return auth.substring(auth.indexOf("Signature=") + "Signature=".length()).trim();
  }

  /**
   * A presigned SigV4 URL as SDKs make them ({@code X-Amz-SignedHeaders=host}, UNSIGNED-PAYLOAD), the
   * auth parameters appended after the request's own raw query, which is signed as it is.
   */
  static WireRequest presignV4(WireRequest r, Credentials c, long expiresSeconds) {
    String amzDate = RawS3Client.amzDate(Instant.now());
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), REGION, "s3");
    String auth = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
        + RawS3Client.queryEncode(c.accessKeyId() + "/" + scope) + "&X-Amz-Date=" + amzDate
        + "&X-Amz-Expires=" + expiresSeconds
        + (c.sessionToken() == null ? "" : "&X-Amz-Security-Token=" + RawS3Client.queryEncode(c.sessionToken()))
        + "&X-Amz-SignedHeaders=host";
    String query = r.rawQuery().isEmpty() ? auth : r.rawQuery() + "&" + auth;
    String host = r.value("host");
    String signature = new RequestSigner(KEYS).signature(
        new SignedRequest(r.method, r.rawPath(), query, List.of(new SignedRequest.Header("host", host))),
        List.of("host"), c.secretAccessKey(), scope, amzDate, "UNSIGNED-PAYLOAD");
    r.target = r.rawPath() + "?" + query + "&X-Amz-Signature=" + signature;
    return r;
  }

  /**
   * SigV2 header auth ({@code Authorization: AWS id:signature}) over the project's string to sign.
   *
   * @param resourcePath the canonical resource's path ({@code /bucket/key}); null = the raw path
   */
  static WireRequest v2(WireRequest r, Credentials c, String resourcePath) {
    if (r.value("date") == null && r.value("x-amz-date") == null) {
      r.header("Date", RFC_1123.format(Instant.now()));
    }
    if (c.sessionToken() != null && r.value("x-amz-security-token") == null) {
      r.header("x-amz-security-token", c.sessionToken());
    }
    String stringToSign = SigV2Verifier.stringToSign(signedRequest(r), AuthStyle.HEADER,
        resourcePath == null ? r.rawPath() : resourcePath);
    r.header("Authorization", "AWS " + c.accessKeyId() + ":" + SigV2Verifier.sign(c.secretAccessKey(), stringToSign));
    return r;
  }

  /** SigV2 query auth ({@code AWSAccessKeyId}, {@code Expires}, {@code Signature}) after the request's own query. */
  static WireRequest v2Query(WireRequest r, Credentials c, String resourcePath, long expiresInSeconds) {
    long expires = Instant.now().getEpochSecond() + expiresInSeconds;
    String auth = "AWSAccessKeyId=" + c.accessKeyId() + "&Expires=" + expires
        + (c.sessionToken() == null ? "" : "&x-amz-security-token=" + RawS3Client.queryEncode(c.sessionToken()));
    r.target = r.rawPath() + "?" + (r.rawQuery().isEmpty() ? auth : r.rawQuery() + "&" + auth);
    String stringToSign = SigV2Verifier.stringToSign(signedRequest(r), AuthStyle.QUERY,
        resourcePath == null ? r.rawPath() : resourcePath);
    r.target += "&Signature=" + RawS3Client.queryEncode(SigV2Verifier.sign(c.secretAccessKey(), stringToSign));
    return r;
  }

  private static SignedRequest signedRequest(WireRequest r) {
    List<SignedRequest.Header> all = new ArrayList<>();
    for (WireRequest.Header h : r.headers) {
      all.add(new SignedRequest.Header(h.name(), h.value()));
    }
    return new SignedRequest(r.method, r.rawPath(), r.rawQuery(), all);
  }

  /**
   * An aws-chunked upload with signed chunks ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}): the head is
   * signed with {@link #v4}, then {@code data} framed in chunks of {@code chunkSize}, each signed on
   * the chain. {@code x-amz-decoded-content-length} is the data's length unless the request has one.
   */
  static WireRequest signedChunks(WireRequest r, Credentials c, byte[] data, int chunkSize) {
    r.set("Content-Encoding", "aws-chunked");
    r.set("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    if (r.value("x-amz-decoded-content-length") == null) {
      r.header("x-amz-decoded-content-length", Integer.toString(data.length));
    }
    v4(r, c);
    String amzDate = r.value("x-amz-date");
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), REGION, "s3");
    ChunkSignatureChain chain = new ChunkSignatureChain(KEYS.signingKey(c.secretAccessKey(), scope), amzDate, scope,
        signatureOf(r));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int off = 0; ; off += chunkSize) {
      int n = Math.max(0, Math.min(chunkSize, data.length - off));
      byte[] chunk = Arrays.copyOfRange(data, Math.min(off, data.length), Math.min(off, data.length) + n);
      body.writeBytes((Integer.toHexString(n) + ";chunk-signature=" + chain.signChunk(sha256(chunk)) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(chunk);
      body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      if (n == 0) {
        break;
      }
    }
    r.body = body.toByteArray();
    return r;
  }

  /**
   * An aws-chunked upload without chunk signatures and with trailer lines
   * ({@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}); {@code trailers} are written as given
   * ({@code name:value}), and {@code x-amz-trailer} names the first one unless the request has it.
   */
  static WireRequest unsignedTrailer(WireRequest r, Credentials c, byte[] data, int chunkSize, List<String> trailers) {
    r.set("Content-Encoding", "aws-chunked");
    r.set("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    if (r.value("x-amz-decoded-content-length") == null) {
      r.header("x-amz-decoded-content-length", Integer.toString(data.length));
    }
    if (r.value("x-amz-trailer") == null && !trailers.isEmpty()) {
      r.header("x-amz-trailer", trailers.get(0).substring(0, trailers.get(0).indexOf(':')));
    }
    v4(r, c);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int off = 0; off < data.length; off += chunkSize) {
      int n = Math.min(chunkSize, data.length - off);
      body.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      body.write(data, off, n);
      body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    body.writeBytes("0\r\n".getBytes(StandardCharsets.US_ASCII));
    for (String t : trailers) {
      body.writeBytes((t + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    r.body = body.toByteArray();
    return r;
  }

  /** {@code x-amz-checksum-crc32:<base64>} of {@code data}. */
  static String crc32Trailer(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return "x-amz-checksum-crc32:" + Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  static String md5Base64(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
