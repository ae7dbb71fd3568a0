package dev.tokengate.sigv4;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The S3 documentation examples' credentials, clock and request builder, shared by tests. */
final class S3Examples {

  static final String AKID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String AMZ_DATE = "20130524T000000Z";
  static final Instant TIME = Instant.parse("2013-05-24T00:00:00Z");
  static final CredentialScope SCOPE = new CredentialScope("20130524", "us-east-1", "s3");
  static final String HOST = "examplebucket.s3.amazonaws.com";

  private S3Examples() {}

  static Clock clockAt(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  static Clock clock() {
    return clockAt(TIME);
  }

  /** Builds a request from alternating header names and values. */
  static SignedRequest request(String method, String path, String query, String... nameValues) {
    List<SignedRequest.Header> headers = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      headers.add(new SignedRequest.Header(nameValues[i], nameValues[i + 1]));
    }
    return new SignedRequest(method, path, query, headers);
  }

  /** The same request with one more header appended. */
  static SignedRequest withHeader(SignedRequest r, String name, String value) {
    List<SignedRequest.Header> headers = new ArrayList<>(r.headers());
    headers.add(new SignedRequest.Header(name, value));
    return new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), headers);
  }

  static String authorization(String signedHeaders, String signature) {
    return "AWS4-HMAC-SHA256 Credential=" + AKID + "/20130524/us-east-1/s3/aws4_request,"
        + "SignedHeaders=" + signedHeaders + ",Signature=" + signature;
  }
}
