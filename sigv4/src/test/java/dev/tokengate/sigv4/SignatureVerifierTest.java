package dev.tokengate.sigv4;

import static dev.tokengate.sigv4.S3Examples.AMZ_DATE;
import static dev.tokengate.sigv4.S3Examples.HOST;
import static dev.tokengate.sigv4.S3Examples.SECRET;
import static dev.tokengate.sigv4.S3Examples.TIME;
import static dev.tokengate.sigv4.S3Examples.request;
import static dev.tokengate.sigv4.S3Examples.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {

  private static final String E = Sha256.EMPTY_HEX;

  private final SigningKeyCache keys = new SigningKeyCache(16);

  private VerifiedRequest verify(SignedRequest r, Clock clock, String secret)
      throws AuthenticationException {
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(r);
    return new SignatureVerifier(clock, keys).verify(r, auth, secret);
  }

  private VerifiedRequest verify(SignedRequest r) throws AuthenticationException {
    return verify(r, S3Examples.clock(), SECRET);
  }

  static SignedRequest getObjectWithRange() {
    return request("GET", "/test.txt", "",
        "Host", HOST, "Range", "bytes=0-9", "x-amz-content-sha256", E, "x-amz-date", AMZ_DATE,
        "Authorization", S3Examples.authorization("host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
  }

  @Test
  void documentationGetObjectWithRange() throws Exception {
    VerifiedRequest v = verify(getObjectWithRange());
    assertEquals(PayloadMode.SIGNED, v.payloadMode());
    assertEquals("AKIAIOSFODNN7EXAMPLE", v.authorization().accessKeyId());
  }

  @Test
  void documentationPutObject() throws Exception {
    SignedRequest r = request("PUT", "/test$file.text", "",
        "Host", HOST, "Date", "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date", AMZ_DATE,
        "x-amz-storage-class", "REDUCED_REDUNDANCY",
        "x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
        "Authorization", S3Examples.authorization(
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
    assertEquals(PayloadMode.SIGNED, verify(r).payloadMode());
  }

  @Test
  void documentationGetLifecycle() throws Exception {
    SignedRequest r = request("GET", "/", "lifecycle",
        "Host", HOST, "x-amz-date", AMZ_DATE, "x-amz-content-sha256", E,
        "Authorization", S3Examples.authorization("host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
    verify(r);
  }

  @Test
  void documentationListObjects() throws Exception {
    SignedRequest r = request("GET", "/", "max-keys=2&prefix=J",
        "Host", HOST, "x-amz-date", AMZ_DATE, "x-amz-content-sha256", E,
        "Authorization", S3Examples.authorization("host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
    verify(r);
  }

  static SignedRequest presignedGet() {
    return request("GET", "/test.txt",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            + "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
            + "&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
        "Host", HOST);
  }

  @Test
  void documentationPresignedGet() throws Exception {
    VerifiedRequest v = verify(presignedGet());
    assertEquals(PayloadMode.UNSIGNED, v.payloadMode());
    assertEquals(AuthStyle.QUERY, v.authorization().style());
  }

  @Test
  void documentationChunkedSeed() throws Exception {
    VerifiedRequest v = verify(chunkedUploadSeed());
    assertEquals(PayloadMode.STREAMING_SIGNED, v.payloadMode());
    assertEquals(32, v.signingKey().length);
  }

  /** The S3 streaming example's request head (seed signature 4f232c…). */
  static SignedRequest chunkedUploadSeed() {
    return request("PUT", "/examplebucket/chunkObject.txt", "",
        "Host", "s3.amazonaws.com", "x-amz-date", AMZ_DATE,
        "x-amz-storage-class", "REDUCED_REDUNDANCY",
        "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            + "aws4_request, SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;"
            + "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class, Signature="
            + "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "Content-Encoding", "aws-chunked", "x-amz-decoded-content-length", "66560",
        "Content-Length", "66824");
  }

  @Test
  void wrongSecretIsMismatchWithDetailsInS3Order() {
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> verify(getObjectWithRange(), S3Examples.clock(), "wrong"));
    assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
    assertEquals(List.of("AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes",
        "CanonicalRequest", "CanonicalRequestBytes"), List.copyOf(e.details().keySet()));
    assertEquals("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
        e.details().get("StringToSign"));
    assertEquals("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        + "x-amz-content-sha256:" + E + "\nx-amz-date:20130524T000000Z\n\n"
        + "host;range;x-amz-content-sha256;x-amz-date\n" + E, e.details().get("CanonicalRequest"));
    assertTrue(e.details().get("StringToSignBytes").startsWith("41 57 53 34 2d"));
    assertTrue(e.getMessage().startsWith("The request signature we calculated does not match"));
  }

  @Test
  void skewOfSixteenMinutesIsRejectedFourteenAccepted() throws Exception {
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> verify(getObjectWithRange(), S3Examples.clockAt(TIME.plus(Duration.ofMinutes(16))),
            SECRET));
    assertEquals(AuthFailure.REQUEST_TIME_TOO_SKEWED, e.reason());
    assertEquals(List.of("RequestTime", "ServerTime", "MaxAllowedSkewMilliseconds"),
        List.copyOf(e.details().keySet()));
    assertEquals("900000", e.details().get("MaxAllowedSkewMilliseconds"));
    assertThrows(AuthenticationException.class, () -> verify(getObjectWithRange(),
        S3Examples.clockAt(TIME.minus(Duration.ofMinutes(16))), SECRET));
    verify(getObjectWithRange(), S3Examples.clockAt(TIME.plus(Duration.ofMinutes(14))), SECRET);
    verify(getObjectWithRange(), S3Examples.clockAt(TIME.minus(Duration.ofMinutes(14))), SECRET);
  }

  @Test
  void unsignedAmzHeaderIsRejected() {
    SignedRequest r = withHeader(getObjectWithRange(), "X-Amz-Meta-Foo", "bar");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(r));
    assertEquals(AuthFailure.HEADERS_NOT_SIGNED, e.reason());
    assertEquals("There were headers present in the request which were not signed", e.getMessage());
    assertEquals("x-amz-meta-foo", e.details().get("HeadersNotSigned"));
  }

  @Test
  void unsignedAmzHeaderOnPresignedUrlIsRejected() {
    SignedRequest r = withHeader(presignedGet(), "x-amz-server-side-encryption", "AES256");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(r));
    assertEquals(AuthFailure.HEADERS_NOT_SIGNED, e.reason());
  }

  @Test
  void presignedExpiredAndNotYetValid() throws Exception {
    AuthenticationException expired = assertThrows(AuthenticationException.class,
        () -> verify(presignedGet(), S3Examples.clockAt(TIME.plusSeconds(86401)), SECRET));
    assertEquals(AuthFailure.PRESIGN_EXPIRED, expired.reason());
    assertEquals("Request has expired", expired.getMessage());
    verify(presignedGet(), S3Examples.clockAt(TIME.plusSeconds(86400)), SECRET);

    AuthenticationException early = assertThrows(AuthenticationException.class,
        () -> verify(presignedGet(), S3Examples.clockAt(TIME.minus(Duration.ofMinutes(16))),
            SECRET));
    assertEquals(AuthFailure.PRESIGN_NOT_YET_VALID, early.reason());
    assertEquals("Request is not valid yet", early.getMessage());
    verify(presignedGet(), S3Examples.clockAt(TIME.minus(Duration.ofMinutes(14))), SECRET);
  }

  @Test
  void tamperedPathIsMismatch() {
    SignedRequest good = getObjectWithRange();
    SignedRequest bad = new SignedRequest("GET", "/test.txu", "", good.headers());
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(bad));
    assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
  }

  @Test
  void signedExpectAndTransferEncodingUseTheirOnlyValues() throws Exception {
    RequestSigner signer = new RequestSigner(keys);
    SignedRequest sent = request("PUT", "/b/k", "", "host", HOST, "expect", "100-continue",
        "transfer-encoding", "chunked", "x-amz-content-sha256", E, "x-amz-date", AMZ_DATE);
    String authorization = signer.authorization(sent, S3Examples.AKID, SECRET, "us-east-1", "s3",
        AMZ_DATE, E);
    // What the verifier sees after the HTTP stack consumed Expect and Transfer-Encoding.
    SignedRequest received = request("PUT", "/b/k", "", "host", HOST,
        "x-amz-content-sha256", E, "x-amz-date", AMZ_DATE, "Authorization", authorization);
    verify(received);
  }

  @Test
  void callerSuppliedBodyHashForNonS3Service() throws Exception {
    String body = "Action=GetSessionToken&Version=2011-06-15";
    String hash = Sha256.hex(body);
    RequestSigner signer = new RequestSigner(keys);
    SignedRequest sent = request("POST", "/", "", "host", "sts.local", "x-amz-date", AMZ_DATE);
    String authorization = signer.authorization(sent, S3Examples.AKID, SECRET, "us-east-1", "sts",
        AMZ_DATE, hash);
    SignedRequest received = withHeader(sent, "Authorization", authorization);
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(received);
    assertEquals(null, auth.payloadHash());
    SignatureVerifier verifier = new SignatureVerifier(S3Examples.clock(), keys);
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> verifier.verify(received, auth, SECRET));
    assertEquals(AuthFailure.MISSING_CONTENT_SHA256, e.reason());
    VerifiedRequest v = verifier.verify(received, auth, SECRET, hash);
    assertEquals(hash, v.authorization().payloadHash());
    verifier.verify(received, auth.withPayloadHash(hash), SECRET);
  }

  @Test
  void invalidContentSha256IsRejected() {
    SignedRequest r = request("GET", "/", "", "Host", HOST, "x-amz-date", AMZ_DATE,
        "x-amz-content-sha256", "not-a-hash",
        "Authorization", S3Examples.authorization("host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(r));
    assertEquals(AuthFailure.INVALID_CONTENT_SHA256, e.reason());
  }
}
