package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An STS call's signature binds its form body: the body is hashed as received, so a captured,
 * validly signed request replayed over another body mints nothing. And a session token never
 * rides along with a long-term key.
 */
@Timeout(60)
class StsBodyBindingTest {
  static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final String CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15";
  static final String SESSION_TOKEN = "Action=GetSessionToken&Version=2011-06-15";

  @TempDir static Path dataDir;
  static ProxyServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ProxyServer.start(ProxyConfig.of("127.0.0.1:0", dataDir.toString()), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A signed form POST to "/", captured as headers; {@code hashHeader} null sends no x-amz-content-sha256. */
  record Captured(List<SignedRequest.Header> headers, String authorization) {
    HttpResponse<String> sendWith(String body) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
          .timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .header("Authorization", authorization);
      headers.stream().filter(h -> !h.name().equals("host")).forEach(h -> b.header(h.name(), h.value()));
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  static Captured sign(String body, String hashHeader, String token) {
    URI uri = URI.create(server.endpoint() + "/");
    String amzDate = AMZ_DATE.format(Instant.now());
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("content-type", "application/x-www-form-urlencoded; charset=utf-8"));
    headers.add(new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()));
    headers.add(new SignedRequest.Header("x-amz-date", amzDate));
    if (hashHeader != null) {
      headers.add(new SignedRequest.Header("x-amz-content-sha256", hashHeader));
    }
    if (token != null) {
      headers.add(new SignedRequest.Header("x-amz-security-token", token));
    }
    String payloadLine = hashHeader != null ? hashHeader : RawS3Client.sha256(body.getBytes(StandardCharsets.UTF_8));
    String authorization = new RequestSigner(new SigningKeyCache(4)).authorization(
        new SignedRequest("POST", "/", "", headers), server.admin().accessKeyId(), server.admin().secretAccessKey(),
        "us-east-1", "sts", amzDate, payloadLine);
    return new Captured(headers, authorization);
  }

  static void assertNoCredentials(HttpResponse<String> r) {
    assertFalse(r.body().contains("SessionToken"), r.body());
    assertFalse(r.body().contains("SecretAccessKey"), r.body());
    assertFalse(r.body().contains("ASIA"), r.body());
  }

  @Test
  void aCapturedCallWithItsSignedHashHeaderReplayedOverAnotherBodyMintsNothing() throws Exception {
    Captured captured = sign(CALLER_IDENTITY, RawS3Client.sha256(CALLER_IDENTITY.getBytes(StandardCharsets.UTF_8)), null);
    HttpResponse<String> original = captured.sendWith(CALLER_IDENTITY);
    assertEquals(200, original.statusCode(), original.body());
    assertTrue(original.body().contains("<GetCallerIdentityResult>"), original.body());

    HttpResponse<String> replayed = captured.sendWith(SESSION_TOKEN);
    assertEquals(400, replayed.statusCode(), replayed.body());
    assertEquals("InvalidParameterValue", RawS3Client.element(replayed.body(), "Code"), replayed.body());
    assertEquals("The provided 'x-amz-content-sha256' header does not match what was computed.",
        RawS3Client.element(replayed.body(), "Message"));
    assertNoCredentials(replayed);
  }

  @Test
  void aCapturedCallWithoutAHashHeaderReplayedOverAnotherBodyDoesNotVerify() throws Exception {
    Captured captured = sign(CALLER_IDENTITY, null, null);
    assertEquals(200, captured.sendWith(CALLER_IDENTITY).statusCode());
    HttpResponse<String> replayed = captured.sendWith(SESSION_TOKEN);
    assertEquals(403, replayed.statusCode(), replayed.body());
    assertEquals("SignatureDoesNotMatch", RawS3Client.element(replayed.body(), "Code"), replayed.body());
    assertNoCredentials(replayed);
  }

  @Test
  void aHashHeaderThatIsNotTheBodysIsRefusedEvenWhenSigned() throws Exception {
    for (String claimed : List.of("UNSIGNED-PAYLOAD", RawS3Client.sha256(new byte[0]),
        RawS3Client.sha256(SESSION_TOKEN.getBytes(StandardCharsets.UTF_8)).toUpperCase())) {
      HttpResponse<String> r = sign(SESSION_TOKEN, claimed, null).sendWith(SESSION_TOKEN);
      assertEquals(400, r.statusCode(), claimed + ": " + r.body());
      assertEquals("InvalidParameterValue", RawS3Client.element(r.body(), "Code"), r.body());
      assertNoCredentials(r);
    }
  }

  @Test
  void aHashHeaderThatIsTheBodysIsAccepted() throws Exception {
    HttpResponse<String> r =
        sign(SESSION_TOKEN, RawS3Client.sha256(SESSION_TOKEN.getBytes(StandardCharsets.UTF_8)), null).sendWith(SESSION_TOKEN);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("<SessionToken>"), r.body());
  }

  /** A genuine session token, presented with the long-term key that minted it, is refused on STS and S3. */
  @Test
  void aSessionTokenSentWithALongTermKeyIsRefused() throws Exception {
    HttpResponse<String> minted = sign(SESSION_TOKEN, null, null).sendWith(SESSION_TOKEN);
    assertEquals(200, minted.statusCode(), minted.body());
    String token = RawS3Client.element(minted.body(), "SessionToken");

    HttpResponse<String> sts = sign(CALLER_IDENTITY, null, token).sendWith(CALLER_IDENTITY);
    assertEquals(403, sts.statusCode(), sts.body());
    assertEquals("InvalidClientTokenId", RawS3Client.element(sts.body(), "Code"), sts.body());

    for (String sent : List.of(token, "not-a-token")) {
      HttpResponse<String> s3 = new RawS3Client(server.endpoint()).send("GET", "/", new byte[0],
          server.admin().accessKeyId(), server.admin().secretAccessKey(), Instant.now(), Map.of("x-amz-security-token", sent));
      assertEquals(400, s3.statusCode(), s3.body());
      assertEquals("InvalidToken", RawS3Client.element(s3.body(), "Code"), s3.body());
    }
  }
}
