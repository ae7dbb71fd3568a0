package dev.tokengate.sigv4;

import static dev.tokengate.sigv4.S3Examples.request;
import static dev.tokengate.sigv4.S3Examples.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** SigV2 examples of the S3 developer guide (RESTAuthentication), bucket johnsmith. */
class SigV2VerifierTest {

  private static final String SECRET = S3Examples.SECRET;
  private static final Clock MARCH_2007 = S3Examples.clockAt(Instant.parse("2007-03-27T19:40:00Z"));

  /** Verifies a virtual-hosted request: the bucket is the one its Host header names. */
  private static void verify(SignedRequest r, Clock clock, String hostBucket)
      throws AuthenticationException {
    SigV2Authorization auth = (SigV2Authorization) AuthorizationParser.parse(r);
    new SigV2Verifier(clock).verify(r, auth, SECRET, hostBucket);
  }

  @Test
  void objectGet() throws Exception {
    SignedRequest r = request("GET", "/photos/puppy.jpg", "",
        "Host", "johnsmith.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
        "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    assertEquals("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg",
        SigV2Verifier.stringToSign(r, AuthStyle.HEADER, "/johnsmith/photos/puppy.jpg"));
    verify(r, MARCH_2007, "johnsmith");
  }

  /** botocore sends {@code /bucket} and signs S3's resource {@code /bucket/}; either is accepted. */
  @Test
  void pathStyleBucketIsSignedWithOrWithoutTheTrailingSlash() throws Exception {
    String date = "Tue, 27 Mar 2007 19:36:42 +0000";
    for (String signed : new String[] {"/johnsmith/", "/johnsmith"}) {
      String signature = SigV2Verifier.sign(SECRET, "GET\n\n\n" + date + "\n" + signed);
      verify(request("GET", "/johnsmith", "", "Date", date, "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:" + signature),
          MARCH_2007, null);
    }
    String other = SigV2Verifier.sign(SECRET, "GET\n\n\n" + date + "\n/johnsmith2/");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(
        request("GET", "/johnsmith", "", "Date", date, "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:" + other),
        MARCH_2007, null));
    assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
    // An object path is never given a slash it was not sent with.
    String slashed = SigV2Verifier.sign(SECRET, "GET\n\n\n" + date + "\n/johnsmith/k/");
    assertThrows(AuthenticationException.class, () -> verify(
        request("GET", "/johnsmith/k", "", "Date", date, "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:" + slashed),
        MARCH_2007, null));
  }

  @Test
  void listWithSubResourceFreeQuery() throws Exception {
    SignedRequest r = request("GET", "/", "prefix=photos&max-keys=50&marker=puppy",
        "User-Agent", "Mozilla/5.0", "Host", "johnsmith.s3.amazonaws.com",
        "Date", "Tue, 27 Mar 2007 19:42:41 +0000",
        "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U=");
    verify(r, MARCH_2007, "johnsmith");
  }

  @Test
  void aclSubResourceIsSigned() throws Exception {
    SignedRequest r = request("GET", "/", "acl", "Host", "johnsmith.s3.amazonaws.com",
        "Date", "Tue, 27 Mar 2007 19:44:46 +0000",
        "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:c2WLPFtWHVgbEmeEG93a4cG37dM=");
    assertEquals("GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl",
        SigV2Verifier.stringToSign(r, AuthStyle.HEADER, "/johnsmith/"));
    verify(r, MARCH_2007, "johnsmith");
  }

  @Test
  void uploadWithAmzHeadersSortedAndJoined() throws Exception {
    SignedRequest r = request("PUT", "/db-backup.dat.gz", "",
        "User-Agent", "curl/7.15.5", "Host", "static.johnsmith.net:8080",
        "Date", "Tue, 27 Mar 2007 21:06:08 +0000", "x-amz-acl", "public-read",
        "content-type", "application/x-download", "Content-MD5", "4gJE4saaMU4BqNR0kLY+lw==",
        "X-Amz-Meta-ReviewedBy", "joe@johnsmith.net", "X-Amz-Meta-ReviewedBy", "jane@johnsmith.net",
        "X-Amz-Meta-FileChecksum", "0x02661779", "X-Amz-Meta-ChecksumAlgorithm", "crc32",
        "Content-Disposition", "attachment; filename=database.dat", "Content-Encoding", "gzip",
        "Content-Length", "5913339",
        "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:ilyl83RwaSoYIEdixDQcA4OnAnc=");
    assertEquals("PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\n"
        + "Tue, 27 Mar 2007 21:06:08 +0000\nx-amz-acl:public-read\n"
        + "x-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n"
        + "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
        + "/static.johnsmith.net/db-backup.dat.gz",
        SigV2Verifier.stringToSign(r, AuthStyle.HEADER, "/static.johnsmith.net/db-backup.dat.gz"));
    verify(r, S3Examples.clockAt(Instant.parse("2007-03-27T21:06:08Z")), "static.johnsmith.net");
  }

  @Test
  void queryStringAuthAndExpiry() throws Exception {
    SignedRequest r = request("GET", "/photos/puppy.jpg",
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D"
            + "&Expires=1175139620", "Host", "johnsmith.s3.amazonaws.com");
    verify(r, MARCH_2007, "johnsmith");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(r,
        S3Examples.clockAt(Instant.ofEpochSecond(1175139621)), "johnsmith"));
    assertEquals(AuthFailure.PRESIGN_EXPIRED, e.reason());
  }

  @Test
  void securityTokenIsSignedAmongAmzHeaders() throws Exception {
    SignedRequest unsigned = request("GET", "/b/k", "", "Host", "s3.local",
        "x-amz-date", "Tue, 27 Mar 2007 19:36:42 +0000", "x-amz-security-token", "TOKEN");
    String sts = SigV2Verifier.stringToSign(unsigned, AuthStyle.HEADER, "/b/k");
    assertEquals("GET\n\n\n\nx-amz-date:Tue, 27 Mar 2007 19:36:42 +0000\n"
        + "x-amz-security-token:TOKEN\n/b/k", sts);
    SignedRequest r = withHeader(unsigned, "Authorization",
        "AWS AKIAIOSFODNN7EXAMPLE:" + SigV2Verifier.sign(SECRET, sts));
    SigV2Authorization auth = (SigV2Authorization) AuthorizationParser.parse(r);
    assertEquals("TOKEN", auth.securityToken());
    new SigV2Verifier(MARCH_2007).verify(r, auth, SECRET);

    SignedRequest swapped = request("GET", "/b/k", "", "Host", "s3.local",
        "x-amz-date", "Tue, 27 Mar 2007 19:36:42 +0000", "x-amz-security-token", "OTHER",
        "Authorization", r.header("Authorization"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> new SigV2Verifier(
        MARCH_2007).verify(swapped, (SigV2Authorization) AuthorizationParser.parse(swapped), SECRET));
    assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
    assertEquals(sts.replace("TOKEN", "[redacted]"), e.details().get("StringToSign"));
  }

  @Test
  void headerAuthSkew() {
    SignedRequest r = request("GET", "/photos/puppy.jpg", "",
        "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
        "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> verify(r,
        S3Examples.clockAt(Instant.parse("2007-03-27T19:53:00Z")), "johnsmith"));
    assertEquals(AuthFailure.REQUEST_TIME_TOO_SKEWED, e.reason());
  }

  @Test
  void virtualHostedSignatureCoversTheHostBucket() throws Exception {
    SignedRequest r = request("GET", "/photos/puppy.jpg", "",
        "Host", "johnsmith.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
        "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    verify(r, MARCH_2007, "johnsmith");
    // The same captured request replayed against another bucket's Host, or read path-style.
    for (String otherBucket : new String[] {"otherbucket", "johnsmith2", null}) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> verify(r, MARCH_2007, otherBucket), String.valueOf(otherBucket));
      assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
    }
  }

  @Test
  void canonicalResourcePathPrependsTheHostBucket() {
    assertEquals("/johnsmith/", SigV2Verifier.canonicalResourcePath("johnsmith", "/"));
    assertEquals("/b/a%20b/c", SigV2Verifier.canonicalResourcePath("b", "/a%20b/c"));
    assertEquals("/b/k", SigV2Verifier.canonicalResourcePath(null, "/b/k"));
  }
}
