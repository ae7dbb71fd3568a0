package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default data dir is relative ("./data"); the embedded backend must work from such a path. */
@Timeout(60)
class RelativeDataDirTest {

  @Test
  void bucketCanBeCreatedWithADotSlashDataDir() throws Exception {
    String relative = "./target/relative-data-" + System.nanoTime();
    try (ProxyServer server =
        ProxyServer.start(ProxyConfig.of("127.0.0.1:0", relative), Clock.systemUTC())) {
      HttpResponse<String> mb =
          new RawS3Client(server.endpoint())
              .send("PUT", "/relative", new byte[0], server.admin().accessKeyId(), server.admin().secretAccessKey(),
                  Instant.now(), Map.of());
      assertEquals(200, mb.statusCode(), mb.body());
    } finally {
      try (Stream<Path> files = Files.walk(Path.of(relative))) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
