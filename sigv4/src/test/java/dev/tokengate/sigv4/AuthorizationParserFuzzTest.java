package dev.tokengate.sigv4;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the Authorization header and presigned-query parsers. Contract: a request parses, is
 * anonymous (null), or is refused with {@link AuthenticationException}; any other throwable is a
 * finding. A parsed request must also build its canonical request without throwing.
 */
class AuthorizationParserFuzzTest {

  private static final String[] HEADER_NAMES = {"Authorization", "x-amz-date", "Date",
      "x-amz-content-sha256", "host", "x-amz-security-token", "content-md5", "content-type"};

  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", "AWS ", "Credential=",
      "SignedHeaders=", "Signature=", "/aws4_request", "/s3/", "/sts/", "20130524T000000Z",
      "20130524", "UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "X-Amz-Algorithm=",
      "X-Amz-Credential=", "X-Amz-Date=", "X-Amz-Expires=", "X-Amz-SignedHeaders=",
      "X-Amz-Signature=", "AWSAccessKeyId=", "Expires=", "Signature=", "%2F", "&", "=", ",", ";"})
  void header(FuzzedDataProvider data) {
    List<SignedRequest.Header> headers = new ArrayList<>();
    int n = data.consumeInt(0, 6);
    for (int i = 0; i < n; i++) {
      headers.add(new SignedRequest.Header(data.pickValue(HEADER_NAMES), data.consumeString(300)));
    }
    String method = data.pickValue(new String[] {"GET", "PUT", "POST", "HEAD", "DELETE"});
    String path = data.consumeString(100);
    String query = data.consumeRemainingAsString();
    parseAndCanonicalise(new SignedRequest(method, path, query, headers));
  }

  /** Presigned URLs: a query built from the presign parameters with fuzzed values. */
  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"AWS4-HMAC-SHA256", "/aws4_request", "/s3/", "20130524T000000Z", "host",
      "%2F", "%3B", "604800", "604801", "-1"})
  void presignedQuery(FuzzedDataProvider data) {
    String[] names = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
        "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
        "AWSAccessKeyId", "Expires", "Signature", "x-id", "versionId"};
    StringBuilder query = new StringBuilder();
    int n = data.consumeInt(0, 10);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        query.append('&');
      }
      query.append(data.consumeBoolean() ? data.pickValue(names) : data.consumeString(20));
      if (data.consumeBoolean()) {
        query.append('=').append(data.consumeString(120));
      }
    }
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("host", "bucket.s3.amazonaws.com"));
    if (data.consumeBoolean()) {
      headers.add(new SignedRequest.Header(data.pickValue(HEADER_NAMES), data.consumeString(120)));
    }
    parseAndCanonicalise(new SignedRequest("GET", "/" + data.consumeRemainingAsString(), query.toString(), headers));
  }

  private static void parseAndCanonicalise(SignedRequest request) {
    ParsedAuthorization parsed;
    try {
      parsed = AuthorizationParser.parse(request);
    } catch (AuthenticationException expected) {
      if (expected.reason() == null) {
        throw new AssertionError("an AuthenticationException without a failure kind", expected);
      }
      return;
    }
    if (parsed instanceof SigV4Authorization v4) {
      String payload = v4.payloadHash() == null ? "UNSIGNED-PAYLOAD" : v4.payloadHash();
      CanonicalRequest.of(request, v4.signedHeaders(), payload, v4.isPresigned());
    }
  }
}
