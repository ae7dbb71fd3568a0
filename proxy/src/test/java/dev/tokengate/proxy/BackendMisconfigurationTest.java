package dev.tokengate.proxy;

import dev.tokengate.proxy.harness.RawS3Client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.tokengate.proxy.backend.EmbeddedBackend;
import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.config.ProxyConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real S3Proxy refusing the proxy's signature (a wrong backend secret): its error body names
 * the backend's access key and canonical request; the client gets only our 500 InternalError, and
 * the operator one warning line that says what to check.
 */
@Timeout(120)
class BackendMisconfigurationTest {
  @TempDir Path dir;

  @Test
  void wrongBackendSecretIsAnInternalErrorThatDisclosesNothing() throws Exception {
    try (EmbeddedBackend s3proxy = EmbeddedBackend.start(dir.resolve("backend"), Duration.ofSeconds(60))) {
      BackendConfig real = s3proxy.config();
      Path config = dir.resolve("c.yaml");
      Files.writeString(config, """
          listen: 127.0.0.1:0
          dataDir: %s
          backend: {endpoint: "%s", accessKey: "%s", secretKey: not-the-backend-secret-00000000}
          """.formatted(dir.resolve("d"), real.endpoint(), real.accessKey()));
      try (ProxyServer server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
          LogCapture log = new LogCapture()) {
        RawS3Client client = new RawS3Client(server.endpoint());
        for (String[] request : List.of(new String[] {"PUT", "/newbucket"}, new String[] {"GET", "/newbucket/k"},
            new String[] {"GET", "/"})) {
          HttpResponse<String> r = client.send(request[0], request[1], new byte[0], server.admin().accessKeyId(),
              server.admin().secretAccessKey(), Instant.now(), Map.of());
          assertEquals(500, r.statusCode(), r.body());
          assertEquals("InternalError", RawS3Client.element(r.body(), "Code"), r.body());
          String port = Integer.toString(URI.create(real.endpoint()).getPort());
          for (String secret : List.of(real.accessKey(), "StringToSign", "CanonicalRequest", "SignatureProvided", port)) {
            assertFalse(r.body().contains(secret), secret + " in " + r.body());
          }
        }
        List<String> warnings = log.at(Level.WARN);
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("SignatureDoesNotMatch"), warnings.get(0));
        assertFalse(warnings.toString().contains(real.accessKey()), warnings.toString());
        assertTrue(log.withStackTraces().isEmpty());
      }
    }
  }
}
