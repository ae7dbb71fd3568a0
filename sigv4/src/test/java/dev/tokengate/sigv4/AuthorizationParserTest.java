package dev.tokengate.sigv4;

import static dev.tokengate.sigv4.S3Examples.AMZ_DATE;
import static dev.tokengate.sigv4.S3Examples.HOST;
import static dev.tokengate.sigv4.S3Examples.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationParserTest {

  private static final String SIG = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
  private static final String CRED = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
  private static final String PRESIGN =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
          + "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
          + "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + SIG;

  private static SignedRequest withAuth(String authorization) {
    return request("GET", "/", "", "Host", HOST, "x-amz-date", AMZ_DATE,
        "x-amz-content-sha256", Sha256.EMPTY_HEX, "Authorization", authorization);
  }

  private static AuthFailure failure(SignedRequest r) {
    return assertThrows(AuthenticationException.class, () -> AuthorizationParser.parse(r)).reason();
  }

  @Test
  void anonymousIsNull() throws Exception {
    assertNull(AuthorizationParser.parse(request("GET", "/", "prefix=a", "Host", HOST)));
  }

  @Test
  void headerWithAndWithoutSpaces() throws Exception {
    for (String auth : List.of(
        "AWS4-HMAC-SHA256 Credential=" + CRED + ",SignedHeaders=host;x-amz-date,Signature=" + SIG,
        "AWS4-HMAC-SHA256 Credential=" + CRED + ", SignedHeaders=host;x-amz-date, Signature=" + SIG,
        "AWS4-HMAC-SHA256  Credential = " + CRED + " , SignedHeaders= host;x-amz-date ,Signature ="
            + SIG)) {
      SigV4Authorization a = (SigV4Authorization) AuthorizationParser.parse(withAuth(auth));
      assertEquals("AKIAIOSFODNN7EXAMPLE", a.accessKeyId());
      assertEquals(new CredentialScope("20130524", "us-east-1", "s3"), a.credential().scope());
      assertEquals(List.of("host", "x-amz-date"), a.signedHeaders());
      assertEquals(SIG, a.signature());
      assertEquals(S3Examples.TIME, a.requestTime());
      assertEquals(Sha256.EMPTY_HEX, a.payloadHash());
      assertEquals(-1, a.expiresSeconds());
    }
  }

  @Test
  void emptyRegionParses() throws Exception {
    String cred = "AKIAIOSFODNN7EXAMPLE/20130524//sts/aws4_request";
    SigV4Authorization a = (SigV4Authorization) AuthorizationParser.parse(
        withAuth("AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=" + SIG));
    assertEquals(new CredentialScope("20130524", "", "sts"), a.credential().scope());
  }

  @Test
  void malformedHeaders() {
    String ok = "SignedHeaders=host,Signature=" + SIG;
    for (String auth : List.of(
        "AWS4-HMAC-SHA256Credential=" + CRED + "," + ok,
        "AWS4-HMAC-SHA256 Credential=" + CRED,
        "AWS4-HMAC-SHA256 Credential=" + CRED + "," + ok + ",Extra=1",
        "AWS4-HMAC-SHA256 Credential=" + CRED + "," + ok + ",Signature=" + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3," + ok,
        "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws5_request," + ok,
        "AWS4-HMAC-SHA256 Credential=AKID/2013052/us-east-1/s3/aws4_request," + ok,
        "AWS4-HMAC-SHA256 Credential=AKID/20130525/us-east-1/s3/aws4_request," + ok,
        "AWS4-HMAC-SHA256 Credential=" + CRED + ",SignedHeaders=host;;x-amz-date,Signature=" + SIG,
        "AWS4-HMAC-SHA256 Credential=" + CRED + ",SignedHeaders=host,Signature=xyz",
        "AWS4-HMAC-SHA256 Credential=" + CRED + " SignedHeaders=host Signature=" + SIG,
        "AWS nocolon")) {
      assertEquals(AuthFailure.MALFORMED_AUTHORIZATION, failure(withAuth(auth)), auth);
    }
  }

  @Test
  void sigV4aAndUnknownSchemesAreUnsupported() {
    assertEquals(AuthFailure.UNSUPPORTED_ALGORITHM, failure(withAuth(
        "AWS4-ECDSA-P256-SHA256 Credential=AKID/20130524/s3/aws4_request, SignedHeaders=host,"
            + " Signature=3045")));
    assertEquals(AuthFailure.UNSUPPORTED_ALGORITHM, failure(withAuth("Bearer abc")));
    assertEquals(AuthFailure.UNSUPPORTED_ALGORITHM, failure(request("GET", "/",
        PRESIGN.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256") + "&X-Amz-Expires=60")));
  }

  @Test
  void moreThanOneSchemeIsRejected() {
    String header = "AWS4-HMAC-SHA256 Credential=" + CRED + ",SignedHeaders=host,Signature=" + SIG;
    assertEquals(AuthFailure.MULTIPLE_AUTH_METHODS, failure(request("GET", "/",
        PRESIGN + "&X-Amz-Expires=60", "Host", HOST, "Authorization", header)));
    assertEquals(AuthFailure.MULTIPLE_AUTH_METHODS, failure(request("GET", "/",
        PRESIGN + "&X-Amz-Expires=60&AWSAccessKeyId=A&Signature=s&Expires=1")));
  }

  @Test
  void s3HeaderAuthNeedsContentSha256ButStsDoesNot() throws Exception {
    String s3 = "AWS4-HMAC-SHA256 Credential=" + CRED + ",SignedHeaders=host,Signature=" + SIG;
    assertEquals(AuthFailure.MISSING_CONTENT_SHA256, failure(request("GET", "/", "",
        "Host", HOST, "x-amz-date", AMZ_DATE, "Authorization", s3)));
    SigV4Authorization sts = (SigV4Authorization) AuthorizationParser.parse(request("POST", "/", "",
        "Host", HOST, "x-amz-date", AMZ_DATE, "Authorization", s3.replace("/s3/", "/sts/")));
    assertNull(sts.payloadHash());
  }

  @Test
  void dateFromDateHeaderAndMissingDate() throws Exception {
    String auth = "AWS4-HMAC-SHA256 Credential=" + CRED + ",SignedHeaders=date;host,Signature=" + SIG;
    SigV4Authorization a = (SigV4Authorization) AuthorizationParser.parse(request("GET", "/", "",
        "Host", HOST, "Date", "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-content-sha256", Sha256.EMPTY_HEX, "Authorization", auth));
    assertEquals(AMZ_DATE, a.amzDate());
    assertEquals(AuthFailure.MISSING_DATE, failure(request("GET", "/", "", "Host", HOST,
        "x-amz-content-sha256", Sha256.EMPTY_HEX, "Authorization", auth)));
    assertEquals(AuthFailure.MISSING_DATE, failure(request("GET", "/", "", "Host", HOST,
        "x-amz-date", "yesterday", "x-amz-content-sha256", Sha256.EMPTY_HEX, "Authorization", auth)));
  }

  @Test
  void presignedParameters() throws Exception {
    SigV4Authorization a = (SigV4Authorization) AuthorizationParser.parse(request("GET", "/k",
        PRESIGN + "&X-Amz-Expires=3600&X-Amz-Security-Token=tok%2Fen", "Host", HOST));
    assertEquals(AuthStyle.QUERY, a.style());
    assertEquals(3600, a.expiresSeconds());
    assertEquals("UNSIGNED-PAYLOAD", a.payloadHash());
    assertEquals("tok/en", a.securityToken());
    SigV4Authorization hashed = (SigV4Authorization) AuthorizationParser.parse(request("GET", "/k",
        PRESIGN + "&X-Amz-Expires=1&X-Amz-Content-Sha256=" + Sha256.EMPTY_HEX));
    assertEquals(Sha256.EMPTY_HEX, hashed.payloadHash());
  }

  @Test
  void presignedErrors() {
    AuthenticationException missing = assertThrows(AuthenticationException.class,
        () -> AuthorizationParser.parse(request("GET", "/", PRESIGN)));
    assertEquals(AuthFailure.MALFORMED_PRESIGN_QUERY, missing.reason());
    assertEquals("Query-string authentication version 4 requires the X-Amz-Algorithm,"
        + " X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires"
        + " parameters.", missing.getMessage());
    AuthenticationException week = assertThrows(AuthenticationException.class,
        () -> AuthorizationParser.parse(request("GET", "/", PRESIGN + "&X-Amz-Expires=604801")));
    assertEquals(AuthFailure.PRESIGN_EXPIRES_OUT_OF_RANGE, week.reason());
    assertEquals("X-Amz-Expires must be less than a week (in seconds); that is, the given"
        + " X-Amz-Expires must be less than 604800 seconds", week.getMessage());
    assertEquals(AuthFailure.PRESIGN_EXPIRES_OUT_OF_RANGE,
        failure(request("GET", "/", PRESIGN + "&X-Amz-Expires=-1")));
    assertEquals(AuthFailure.MALFORMED_PRESIGN_QUERY,
        failure(request("GET", "/", PRESIGN + "&X-Amz-Expires=soon")));
    assertEquals(AuthFailure.MALFORMED_PRESIGN_QUERY, failure(request("GET", "/",
        PRESIGN.replace("20130524T000000Z", "2013-05-24") + "&X-Amz-Expires=1")));
    assertEquals(AuthFailure.MALFORMED_AUTHORIZATION, failure(request("GET", "/",
        PRESIGN.replace("20130524T000000Z", "20130525T000000Z") + "&X-Amz-Expires=1")));
  }

  @Test
  void sigV2HeaderAndQuery() throws Exception {
    SigV2Authorization header = assertInstanceOf(SigV2Authorization.class, AuthorizationParser.parse(
        request("GET", "/", "", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
            "Authorization", "AWS AKID:abc/def=")));
    assertEquals("AKID", header.accessKeyId());
    assertEquals("abc/def=", header.signature());
    assertEquals(AuthStyle.HEADER, header.style());
    SigV2Authorization query = assertInstanceOf(SigV2Authorization.class, AuthorizationParser.parse(
        request("GET", "/", "AWSAccessKeyId=AKID&Signature=a%2Bb%3D&Expires=1175139620"
            + "&x-amz-security-token=T")));
    assertEquals("a+b=", query.signature());
    assertEquals(1175139620L, query.requestTime().getEpochSecond());
    assertEquals("T", query.securityToken());
    assertEquals(AuthFailure.MALFORMED_PRESIGN_QUERY,
        failure(request("GET", "/", "AWSAccessKeyId=AKID&Signature=x")));
    // Beyond the instants Java represents (a fuzzing finding: it escaped as DateTimeException).
    for (String expires : new String[] {"99999999999999999", "-99999999999999999", "1e9", ""}) {
      assertEquals(AuthFailure.MALFORMED_PRESIGN_QUERY,
          failure(request("GET", "/", "AWSAccessKeyId=AKID&Signature=x&Expires=" + expires)), expires);
    }
    assertEquals(AuthFailure.MISSING_DATE, failure(request("GET", "/", "",
        "Authorization", "AWS AKID:sig")));
  }
}
