package dev.tokengate.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin listener: health probes (ready turns 503 with a JSON reason once the backend is gone),
 * the bearer token, and the S3 port knowing nothing of admin paths.
 */
@Timeout(120)
class AdminListenerTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Nested
  class Probes {
    @RegisterExtension
    final TokengateExtension proxy = TokengateExtension.withConfig("admin: {listen: \"127.0.0.1:0\"}").spyOnBackend();

    @Test
    void liveAndReadyThenNotReadyWhenTheBackendStops() throws Exception {
      HttpResponse<String> live = get(proxy.adminEndpoint() + "/health/live", null);
      assertEquals(200, live.statusCode());
      assertEquals("{\"status\":\"live\"}\n", live.body());
      HttpResponse<String> ready = get(proxy.adminEndpoint() + "/health/ready", null);
      assertEquals(200, ready.statusCode(), ready.body());
      assertTrue(proxy.spy().requests().stream().anyMatch(r -> r.method().equals("GET") && r.target().equals("/")),
          "the probe asked the backend (ListBuckets)");

      proxy.spy().close(); // the backend's port now refuses connections
      HttpResponse<String> notReady = get(proxy.adminEndpoint() + "/health/ready", null);
      assertEquals(503, notReady.statusCode(), notReady.body());
      assertTrue(notReady.body().startsWith("{\"status\":\"not ready\",\"reason\":\"the backend is unavailable"),
          notReady.body());
      assertEquals("application/json", notReady.headers().firstValue("Content-Type").orElse(""));
      assertEquals(200, get(proxy.adminEndpoint() + "/health/live", null).statusCode(), "live stays live");
      assertEquals(404, get(proxy.adminEndpoint() + "/nothing", null).statusCode());
    }

    @Test
    void theS3PortHasNoAdminPaths() throws Exception {
      // A signed GET /metrics on the data port is ListObjects on a bucket "metrics", nothing else.
      HttpResponse<String> s3 = proxy.adminClient().get("/metrics");
      assertEquals(404, s3.statusCode(), s3.body());
      assertTrue(s3.body().contains("<Code>NoSuchBucket</Code>"), s3.body());
      assertFalse(s3.body().contains("tokengate_requests_total"), s3.body());
      HttpResponse<String> unsigned = get(proxy.endpoint() + "/health/ready", null);
      // Anonymous GetObject on a bucket "health" that does not exist: S3's answer, as AWS gives it.
      assertEquals(404, unsigned.statusCode(), unsigned.body());
      assertTrue(unsigned.body().contains("<Code>NoSuchBucket</Code>"), unsigned.body());
      // A wrong secret: an authentication failure, counted by its error code.
      HttpResponse<String> forged = proxy.client(proxy.admin().accessKeyId(), "not-the-secret-not-the-secret-0000")
          .get("/metrics");
      assertEquals(403, forged.statusCode(), forged.body());
      // and the metrics saw them as S3 requests
      String metrics = get(proxy.adminEndpoint() + "/metrics", null).body();
      assertTrue(metrics.contains("tokengate_authentication_failures_total{reason=\"SignatureDoesNotMatch\"} 1.0"),
          metrics);
      assertTrue(metrics.contains("tokengate_requests_total{operation=\"none\",status=\"403\"} 1.0"), metrics);
      assertTrue(metrics.contains("tokengate_requests_total{operation=\"ListObjects\",status=\"404\"}"), metrics);
    }
  }

  @Nested
  class BearerToken {
    static final String TOKEN = "admin-token-0123456789abcdef";

    final Path tokenFile = write();

    @RegisterExtension
    final TokengateExtension proxy = TokengateExtension.withConfig(
        "admin: {listen: \"127.0.0.1:0\", bearerTokenFile: \"" + tokenFile + "\"}");

    private Path write() {
      try {
        Path file = Files.createTempFile("admin-token", ".txt");
        Files.writeString(file, TOKEN + "\n");
        file.toFile().deleteOnExit();
        return file;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Test
    void everyPathNeedsTheToken() throws Exception {
      for (String path : new String[] {"/metrics", "/health/live", "/health/ready"}) {
        HttpResponse<String> none = get(proxy.adminEndpoint() + path, null);
        assertEquals(401, none.statusCode(), path);
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, get(proxy.adminEndpoint() + path, "Bearer wrong-token-0123456789abc").statusCode(), path);
        assertEquals(401, get(proxy.adminEndpoint() + path, TOKEN).statusCode(), "the scheme is required: " + path);
      }
      HttpResponse<String> metrics = get(proxy.adminEndpoint() + "/metrics", "Bearer " + TOKEN);
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("# TYPE tokengate_client_connections gauge"), metrics.body());
      assertEquals(200, get(proxy.adminEndpoint() + "/health/live", "Bearer " + TOKEN).statusCode());
    }
  }
}
