package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With the backend gone, clients get 503 ServiceUnavailable promptly, not a hang or a 500. */
@Timeout(90)
class BackendDownTest {
  /** The proxy's own child backend, so that stopping it stops nobody else's. */
  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults().embeddedBackend();

  @Test
  void stoppedBackendGives503WithinSeconds() throws Exception {
    RawS3Client admin = proxy.adminClient();
    HttpResponse<String> up = admin.get("/");
    assertEquals(200, up.statusCode(), up.body());

    proxy.server().embeddedBackend().close();
    long start = System.nanoTime();
    HttpResponse<String> down = admin.get("/");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(503, down.statusCode(), down.body());
    assertEquals("ServiceUnavailable", RawS3Client.element(down.body(), "Code"));
    assertTrue(millis < 5000, "503 took " + millis + " ms");
  }
}
