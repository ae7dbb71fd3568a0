package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** In shadow mode a denial is logged and the request still goes through; authentication still holds. */
@Timeout(60)
class ShadowModeTest {
  @TempDir Path dataDir;

  @Test
  void deniedRequestIsForwardedButBadSignatureIsNot() throws Exception {
    Path config = dataDir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        shadowMode: true
        users:
          - name: nobody
            accessKeys: [{id: AKIANOBODY0000000001, secret: nobody-secret-nobody-secret-nobody-00}]
        """.formatted(dataDir));
    try (ProxyServer s = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
      RawS3Client raw = new RawS3Client(s.endpoint());
      assertEquals(200, raw.send("PUT", "/shadowed", new byte[0], "AKIANOBODY0000000001",
          "nobody-secret-nobody-secret-nobody-00", Instant.now(), Map.of()).statusCode());
      assertEquals(403, raw.send("PUT", "/shadowed2", new byte[0], "AKIANOBODY0000000001",
          "a-wrong-secret-a-wrong-secret-a-wrong-00", Instant.now(), Map.of()).statusCode());
    }
  }
}
