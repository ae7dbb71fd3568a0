package dev.tokengate.sigv4;

import static dev.tokengate.sigv4.S3Examples.AKID;
import static dev.tokengate.sigv4.S3Examples.AMZ_DATE;
import static dev.tokengate.sigv4.S3Examples.SECRET;
import static dev.tokengate.sigv4.S3Examples.request;
import static dev.tokengate.sigv4.S3Examples.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestSignerTest {

  private final SigningKeyCache keys = new SigningKeyCache(4);
  private final RequestSigner signer = new RequestSigner(keys);

  @Test
  void reproducesTheDocumentationGetObjectAuthorization() {
    SignedRequest r = request("GET", "/test.txt", "", "Host", S3Examples.HOST, "Range", "bytes=0-9",
        "x-amz-content-sha256", Sha256.EMPTY_HEX, "x-amz-date", AMZ_DATE);
    assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            + "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature="
            + "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        signer.authorization(r, AKID, SECRET, "us-east-1", "s3", AMZ_DATE, Sha256.EMPTY_HEX));
  }

  @Test
  void reproducesTheChunkedSeedSignature() {
    SignedRequest r = request("PUT", "/examplebucket/chunkObject.txt", "",
        "Host", "s3.amazonaws.com", "x-amz-storage-class", "REDUCED_REDUNDANCY",
        "Content-Encoding", "aws-chunked", "x-amz-decoded-content-length", "66560",
        "Content-Length", "66824", "x-amz-date", AMZ_DATE,
        "x-amz-content-sha256", PayloadMode.STREAMING_SIGNED_LITERAL);
    String auth = signer.authorization(r, AKID, SECRET, "us-east-1", "s3", AMZ_DATE,
        PayloadMode.STREAMING_SIGNED_LITERAL);
    assertEquals("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        auth.substring(auth.indexOf("Signature=") + 10));
  }

  /** Keys as clients put them on the wire; the canonical form must agree whichever way. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "/bucket/a%20b.txt       | /bucket/a%20b.txt",
    "/bucket/a+b.txt         | /bucket/a%2Bb.txt",
    "/bucket/%C3%BC/%C3%9F.txt | /bucket/%C3%BC/%C3%9F.txt",
    "/bucket/ü/ß.txt         | /bucket/%C3%BC/%C3%9F.txt",
    "/bucket/x~y             | /bucket/x~y",
    "/bucket/x%7Ey           | /bucket/x~y",
    "/bucket/a*b(1)!.txt     | /bucket/a%2Ab%281%29%21.txt",
    "/bucket/dir//file       | /bucket/dir//file",
    "/bucket/a/../b/./c/     | /bucket/a/../b/./c/",
  })
  void specialKeysSignThenVerify(String rawPath, String canonicalPath) throws Exception {
    assertEquals(canonicalPath, UriEncoding.canonicalPath(rawPath));
    SignedRequest r = request("PUT", rawPath, "", "host", "s3.local:9000",
        "x-amz-content-sha256", PayloadMode.UNSIGNED_PAYLOAD, "x-amz-date", AMZ_DATE);
    SignedRequest signed = withHeader(r, "Authorization", signer.authorization(r, AKID, SECRET,
        "us-east-1", "s3", AMZ_DATE, PayloadMode.UNSIGNED_PAYLOAD));
    SignatureVerifier verifier = new SignatureVerifier(S3Examples.clock(), keys);
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(signed);
    assertEquals(PayloadMode.UNSIGNED, verifier.verify(signed, auth, SECRET).payloadMode());

    // A different key must not verify with the same signature (no normalisation, no decoding).
    SignedRequest other = new SignedRequest("PUT", rawPath + "x", "", signed.headers());
    assertEquals(AuthFailure.SIGNATURE_MISMATCH, assertThrows(AuthenticationException.class,
        () -> verifier.verify(other, auth, SECRET)).reason());
  }

  @Test
  void queryWithSpacesAndEmptyValuesRoundTrips() throws Exception {
    SignedRequest r = request("GET", "/bucket", "list-type=2&prefix=a%20b&delimiter=%2F&versions",
        "host", "s3.local", "x-amz-content-sha256", Sha256.EMPTY_HEX, "x-amz-date", AMZ_DATE);
    SignedRequest signed = withHeader(r, "Authorization", signer.authorization(r, AKID, SECRET,
        "us-east-1", "s3", AMZ_DATE, Sha256.EMPTY_HEX));
    // A browser-style '+' for the space canonicalises the same way.
    SignedRequest plus = new SignedRequest("GET", "/bucket",
        "list-type=2&prefix=a+b&delimiter=%2F&versions=", signed.headers());
    SignatureVerifier verifier = new SignatureVerifier(S3Examples.clock(), keys);
    verifier.verify(plus, (SigV4Authorization) AuthorizationParser.parse(plus), SECRET);
  }
}
