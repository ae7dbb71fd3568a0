package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authentication failures answer with S3's code, status and body rules. */
@Timeout(60)
class AuthErrorsTest {
  static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.defaults();

  /** GET / signed for {@code region}, with the given extra headers, optionally without the content hash header. */
  static HttpResponse<String> send(String method, String region, boolean withContentHash, Map<String, String> extra) throws Exception {
    URI uri = URI.create(proxy.endpoint() + "/");
    String amzDate = AMZ_DATE.format(Instant.now());
    String hash = RawS3Client.sha256(new byte[0]);
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()));
    if (withContentHash) {
      headers.add(new SignedRequest.Header("x-amz-content-sha256", hash));
    }
    headers.add(new SignedRequest.Header("x-amz-date", amzDate));
    String authorization =
        new RequestSigner(new SigningKeyCache(4)).authorization(new SignedRequest(method, "/", "", headers),
            proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(), region, "s3", amzDate, hash);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
        .header("Authorization", extra.getOrDefault("Authorization", authorization));
    headers.stream().filter(h -> !h.name().equals("host")).forEach(h -> b.header(h.name(), h.value()));
    extra.forEach((k, v) -> {
      if (!k.equals("Authorization")) {
        b.header(k, v);
      }
    });
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void missingContentHashIsMissingSecurityHeader() throws Exception {
    HttpResponse<String> r = send("GET", "us-east-1", false, Map.of());
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("MissingSecurityHeader", RawS3Client.element(r.body(), "Code"));
  }

  @Test
  void wrongRegionIsAuthorizationHeaderMalformedWithTheExpectedRegion() throws Exception {
    HttpResponse<String> r = send("GET", "eu-west-1", true, Map.of());
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("AuthorizationHeaderMalformed", RawS3Client.element(r.body(), "Code"));
    assertEquals("us-east-1", RawS3Client.element(r.body(), "Region"));
    assertEquals("us-east-1", r.headers().firstValue("x-amz-bucket-region").orElse(null));
  }

  @Test
  void aHeadSignedForNoRegionLearnsTheRegionFromTheHeader() throws Exception {
    // The s3-tests suite's clients sign with region ""; a HEAD has no body, so botocore re-signs
    // for the region this header names (or gives up with a bare 400).
    HttpResponse<String> r = send("HEAD", "", true, Map.of());
    assertEquals(400, r.statusCode());
    assertEquals("", r.body());
    assertEquals("us-east-1", r.headers().firstValue("x-amz-bucket-region").orElse(null));
  }

  @Test
  void garbledAuthorizationIsMalformed() throws Exception {
    HttpResponse<String> r = send("GET", "us-east-1", true, Map.of("Authorization", "AWS4-HMAC-SHA256 Credential=nonsense"));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("AuthorizationHeaderMalformed", RawS3Client.element(r.body(), "Code"));
  }

  @Test
  void sigV4aIsRefusedClearly() throws Exception {
    HttpResponse<String> r = send("GET", "us-east-1", true, Map.of("Authorization",
        "AWS4-ECDSA-P256-SHA256 Credential=AKIAEXAMPLE/20260101/s3/aws4_request, SignedHeaders=host, Signature=00"));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("InvalidRequest", RawS3Client.element(r.body(), "Code"));
  }

  @Test
  void headErrorHasStatusButNoBody() throws Exception {
    HttpResponse<String> r = send("HEAD", "eu-west-1", true, Map.of());
    assertEquals(400, r.statusCode());
    assertEquals("", r.body());
    assertTrue(r.headers().firstValue("x-amz-request-id").isPresent());
  }

  @Test
  void anonymousRequestIsAccessDenied() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, r.statusCode());
    assertEquals("AccessDenied", RawS3Client.element(r.body(), "Code"));
  }
}
