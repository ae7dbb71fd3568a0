package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The aws-c-auth SigV4 suite (service {@code service}, us-east-1, 2015-08-30T12:36:00Z) against
 * our S3-mode canonicaliser, signer and verifier.
 */
class AwsSigningSuiteTest {

  private static final String AMZ_DATE = "20150830T123600Z";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

  /** The token is appended after signing here, which S3 rejects (it must be signed). */
  private static final String TOKEN_AFTER_SIGNING = "post-sts-header-after";

  private final SigningKeyCache keys = new SigningKeyCache(8);
  private final SignatureVerifier verifier = new SignatureVerifier(CLOCK, keys);

  @TestFactory
  Stream<DynamicTest> headerSigning() {
    return SuiteCase.all().stream().filter(c -> !c.normalized())
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> checkHeader(c)));
  }

  @TestFactory
  Stream<DynamicTest> querySigning() {
    return SuiteCase.all().stream().filter(c -> !c.normalized())
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> checkQuery(c)));
  }

  @TestFactory
  Stream<DynamicTest> normalizedPathCasesDoNotVerifyWhenNormalisationChangedThePath() {
    return SuiteCase.all().stream().filter(SuiteCase::normalized)
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> checkNormalized(c)));
  }

  @Test
  void suiteIsComplete() {
    List<SuiteCase> all = SuiteCase.all();
    assertEquals(38, all.size());
    assertTrue(all.stream().anyMatch(c -> c.name().equals("get-vanilla-with-session-token")));
  }

  private void checkHeader(SuiteCase c) throws Exception {
    SuiteCase.HttpFile file = c.http("header-signed-request.txt");
    SignedRequest request = file.request();
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(request);
    String bodyHash = Sha256.hex(file.body());
    String payloadHash = auth.payloadHash() != null ? auth.payloadHash() : bodyHash;

    CanonicalRequest canonical =
        CanonicalRequest.of(request, auth.signedHeaders(), payloadHash, false);
    assertEquals(c.read("header-canonical-request.txt"), canonical.text());
    StringToSign sts = StringToSign.of(auth.amzDate(), auth.credential().scope(), canonical);
    assertEquals(c.read("header-string-to-sign.txt"), sts.text());
    String signature = sts.sign(keys.signingKey(c.secret(), auth.credential().scope()));
    assertEquals(c.read("header-signature.txt").trim(), signature);

    if (c.name().equals(TOKEN_AFTER_SIGNING)) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> verifier.verify(request, auth, c.secret(), bodyHash));
      assertEquals(AuthFailure.HEADERS_NOT_SIGNED, e.reason());
      return;
    }
    VerifiedRequest verified = verifier.verify(request, auth, c.secret(), bodyHash);
    assertEquals(c.token() == null || c.omitSessionToken() ? null : c.token(),
        verified.authorization().securityToken());

    // Signing the unsigned request the way the suite did yields the same Authorization header.
    SuiteCase.HttpFile unsigned = c.http("request.txt");
    SignedRequest toSign = S3Examples.withHeader(unsigned.request(), "X-Amz-Date", AMZ_DATE);
    if (c.token() != null && !c.omitSessionToken()) {
      toSign = S3Examples.withHeader(toSign, "X-Amz-Security-Token", c.token());
    }
    if (c.signBody()) {
      toSign = S3Examples.withHeader(toSign, "x-amz-content-sha256", bodyHash);
    }
    String authorization = new RequestSigner(keys).authorization(toSign, "AKIDEXAMPLE", c.secret(),
        "us-east-1", "service", AMZ_DATE, payloadHash);
    assertEquals(request.header("Authorization"), authorization);
  }

  private void checkQuery(SuiteCase c) throws Exception {
    SuiteCase.HttpFile file = c.http("query-signed-request.txt");
    SignedRequest request = file.request();
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(request);
    assertEquals(AuthStyle.QUERY, auth.style());
    assertNull(auth.payloadHash(), "non-s3 presigned URLs sign the body hash");
    String bodyHash = Sha256.hex(file.body());

    CanonicalRequest canonical = CanonicalRequest.of(request, auth.signedHeaders(), bodyHash, true);
    if (c.name().equals(TOKEN_AFTER_SIGNING)) {
      assertNotEquals(c.read("query-canonical-request.txt"), canonical.text());
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> verifier.verify(request, auth, c.secret(), bodyHash));
      assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
      return;
    }
    assertEquals(c.read("query-canonical-request.txt"), canonical.text());
    StringToSign sts = StringToSign.of(auth.amzDate(), auth.credential().scope(), canonical);
    assertEquals(c.read("query-string-to-sign.txt"), sts.text());
    assertEquals(c.read("query-signature.txt").trim(),
        sts.sign(keys.signingKey(c.secret(), auth.credential().scope())));
    VerifiedRequest verified = verifier.verify(request, auth, c.secret(), bodyHash);
    assertEquals(3600, verified.authorization().expiresSeconds());
    if (c.token() != null) {
      assertEquals(c.token(), verified.authorization().securityToken());
    }
  }

  private void checkNormalized(SuiteCase c) throws Exception {
    String expectedUri = c.read("header-canonical-request.txt").split("\n", -1)[1];
    List<String> variants = new ArrayList<>(List.of("header-signed-request.txt",
        "query-signed-request.txt"));
    for (String variant : variants) {
      SignedRequest request = c.http(variant).request();
      SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(request);
      boolean pathUnchangedByNormalisation =
          expectedUri.equals(UriEncoding.canonicalPath(request.rawPath()));
      if (pathUnchangedByNormalisation) {
        // e.g. get-space-normalized: nothing to normalise, so S3 rules agree.
        verifier.verify(request, auth, c.secret(), Sha256.EMPTY_HEX);
        assertFalse(request.rawPath().contains("/."), c.name());
      } else {
        AuthenticationException e = assertThrows(AuthenticationException.class,
            () -> verifier.verify(request, auth, c.secret(), Sha256.EMPTY_HEX), c.name());
        assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
      }
    }
  }
}
