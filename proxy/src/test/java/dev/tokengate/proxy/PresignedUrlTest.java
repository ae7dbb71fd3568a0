package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presigned URLs made with temporary credentials: valid within X-Amz-Expires, 403 AccessDenied
 * after it, and 400 ExpiredToken once the session expired even while the URL would still be valid
 * (the URL dies with the session, as in AWS).
 */
@Timeout(60)
class PresignedUrlTest {
  static final String KEY = "AKIAPRESIGN000000001";
  static final String SECRET = "presign-secret-presign-secret-presign-00";
  static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  static String presign(ProxyServer s, String path, StsClient.Credentials c, Instant at, long expires) {
    URI endpoint = URI.create(s.endpoint());
    String amzDate = AMZ_DATE.format(at);
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), "us-east-1", "s3");
    String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + enc(c.accessKeyId() + "/" + scope)
        + "&X-Amz-Date=" + amzDate + "&X-Amz-Expires=" + expires + "&X-Amz-Security-Token=" + enc(c.sessionToken())
        + "&X-Amz-SignedHeaders=host";
    List<SignedRequest.Header> headers = List.of(new SignedRequest.Header("host", endpoint.getHost() + ":" + endpoint.getPort()));
    String signature = new RequestSigner(new SigningKeyCache(4))
        .signature(new SignedRequest("GET", path, query, headers), List.of("host"), c.secretAccessKey(), scope, amzDate,
            "UNSIGNED-PAYLOAD");
    return s.endpoint() + path + "?" + query + "&X-Amz-Signature=" + signature;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void presignedUrlLivesWithinBothItsOwnAndItsSessionsLifetime() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: presigner
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        """.formatted(dir.resolve("d"), KEY, SECRET));
    try (ProxyServer s = ProxyServer.start(ProxyConfig.load(config), clock)) {
      RawS3Client admin = new RawS3Client(s.endpoint());
      assertEquals(200, admin.send("PUT", "/presigned", new byte[0], s.admin().accessKeyId(), s.admin().secretAccessKey(), clock.instant(), Map.of()).statusCode());
      assertEquals(200, admin.send("PUT", "/presigned/k", "shared".getBytes(StandardCharsets.UTF_8), s.admin().accessKeyId(),
          s.admin().secretAccessKey(), clock.instant(), Map.of()).statusCode());
      StsClient sts = new StsClient(s.endpoint(), clock);
      StsClient.Credentials session = StsClient.Credentials.from(
          sts.call(KEY, SECRET, null, "GetSessionToken", Map.of("DurationSeconds", "900")), "GetSessionToken");

      String shortUrl = presign(s, "/presigned/k", session, clock.instant(), 60);
      String longUrl = presign(s, "/presigned/k", session, clock.instant(), 3600);
      HttpResponse<String> fresh = get(shortUrl);
      assertEquals(200, fresh.statusCode(), fresh.body());
      assertEquals("shared", fresh.body());

      clock.advance(Duration.ofSeconds(120));
      HttpResponse<String> expiredUrl = get(shortUrl);
      assertEquals(403, expiredUrl.statusCode(), expiredUrl.body());
      assertEquals("AccessDenied", RawS3Client.element(expiredUrl.body(), "Code"));
      assertEquals(200, get(longUrl).statusCode(), "the longer URL is still valid");

      clock.advance(Duration.ofSeconds(900));
      HttpResponse<String> expiredSession = get(longUrl);
      assertEquals(400, expiredSession.statusCode(), expiredSession.body());
      assertEquals("ExpiredToken", RawS3Client.element(expiredSession.body(), "Code"));
    }
  }
}
