package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** In shadow mode a denial is logged and the request still goes through; authentication still holds. */
@Timeout(60)
class ShadowModeTest {
  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: nobody
          accessKeys: [{id: AKIANOBODY0000000001, secret: nobody-secret-nobody-secret-nobody-00}]
      """).shadowMode();

  @Test
  void deniedRequestIsForwardedButBadSignatureIsNot() throws Exception {
    RawS3Client raw = new RawS3Client(proxy.endpoint());
    assertEquals(200, raw.send("PUT", "/shadowed", new byte[0], "AKIANOBODY0000000001",
        "nobody-secret-nobody-secret-nobody-00", Instant.now(), Map.of()).statusCode());
    assertEquals(403, raw.send("PUT", "/shadowed2", new byte[0], "AKIANOBODY0000000001",
        "a-wrong-secret-a-wrong-secret-a-wrong-00", Instant.now(), Map.of()).statusCode());
    assertEquals(List.of("shadowed"), proxy.backend().buckets(), "the denied one reached the backend, the forged one did not");
  }
}
