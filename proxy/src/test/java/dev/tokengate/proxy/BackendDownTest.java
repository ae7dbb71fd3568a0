package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With the backend gone, clients get 503 ServiceUnavailable promptly, not a hang or a 500. */
@Timeout(90)
class BackendDownTest {
  @TempDir Path dataDir;

  @Test
  void stoppedBackendGives503WithinSeconds() throws Exception {
    try (ProxyServer server =
        ProxyServer.start(
            ProxyConfig.of("127.0.0.1:0", dataDir.toString()),
            Clock.systemUTC())) {
      RawS3Client raw = new RawS3Client(server.endpoint());
      HttpResponse<String> up =
          raw.send("GET", "/", new byte[0], server.admin().accessKeyId(), server.admin().secretAccessKey(),
              Instant.now(), Map.of());
      assertEquals(200, up.statusCode(), up.body());

      server.embeddedBackend().close();
      long start = System.nanoTime();
      HttpResponse<String> down =
          raw.send("GET", "/", new byte[0], server.admin().accessKeyId(), server.admin().secretAccessKey(),
              Instant.now(), Map.of());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, down.statusCode(), down.body());
      assertEquals("ServiceUnavailable", RawS3Client.element(down.body(), "Code"));
      assertTrue(millis < 5000, "503 took " + millis + " ms");
    }
  }
}
