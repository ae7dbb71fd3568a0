package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The default data dir is relative ("./data"); the embedded backend must work from such a path. */
@Timeout(60)
class RelativeDataDirTest {
  static final String RELATIVE = "./target/relative-data-" + System.nanoTime();

  /** The proxy's own embedded backend, which is what has to cope with the relative path. */
  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.defaults().dataDir(Path.of(RELATIVE)).embeddedBackend();

  @AfterAll
  static void removeDataDir() throws Exception {
    try (Stream<Path> files = Files.walk(Path.of(RELATIVE))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void bucketCanBeCreatedWithADotSlashDataDir() throws Exception {
    HttpResponse<String> mb = proxy.adminClient().put("/relative", "");
    assertEquals(200, mb.statusCode(), mb.body());
    assertEquals(List.of("relative"), proxy.backend().buckets());
  }
}
