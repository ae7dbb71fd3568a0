package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.ReceivedRequest;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same keys as {@link AwkwardKeysTest}, written the ways a validly signed raw request may write
 * them (SigV4 signs the request-target as sent): a literal {@code +} (a plus in an S3 path), an
 * escaped unreserved character ({@code %7E}, {@code %2D}), lower-case hex. Each must store the key
 * it decodes to, and the backend must receive that key in the one canonical form, {@code /bucket/}
 * + UriEncode(key), whatever form the client used (issue 8).
 */
@Timeout(120)
class RawKeyEncodingTest {
  /** Raw path after {@code /rawkeys/} → the key it names. */
  static final Map<String, String> CASES = new LinkedHashMap<>();

  static {
    CASES.put("plus+sign", "plus+sign");
    CASES.put("escaped%7Etilde", "escaped~tilde");
    CASES.put("escaped%2Ddash", "escaped-dash");
    CASES.put("lower%c3%bc", "lowerü");
    CASES.put("canonical%20space", "canonical space");
    CASES.put("raw~tilde", "raw~tilde");
  }

  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.defaults().spyOnBackend();

  @Test
  void everyEncodingOfAKeyStoresThatKeyAndReachesTheBackendCanonically() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/rawkeys", "").statusCode());
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> c : CASES.entrySet()) {
      String raw = c.getKey();
      String key = c.getValue();
      byte[] data = ("written as " + raw).getBytes(StandardCharsets.UTF_8);
      proxy.spy().clear();
      HttpResponse<String> put = admin.put("/rawkeys/" + raw, data);
      if (put.statusCode() != 200) {
        failures.add("PUT " + raw + ": " + put.statusCode() + " " + RawS3Client.element(put.body(), "Code"));
        continue;
      }
      List<ReceivedRequest> forwarded = proxy.spy().requests();
      String canonical = "/rawkeys/" + RawS3Client.keyPath(key);
      if (forwarded.size() != 1 || !forwarded.get(0).path().equals(canonical)) {
        failures.add("PUT " + raw + ": backend received " + forwarded.stream().map(ReceivedRequest::requestLine).toList()
            + ", not " + canonical);
      }
      Optional<byte[]> stored = proxy.backend().read("rawkeys", key);
      if (stored.isEmpty() || !Arrays.equals(data, stored.get())) {
        failures.add("PUT " + raw + ": backend has " + (stored.isEmpty() ? "no object" : "other bytes") + " under key '"
            + key + "'");
      }
      HttpResponse<String> get = admin.get("/rawkeys/" + raw);
      if (get.statusCode() != 200 || !get.body().equals("written as " + raw)) {
        failures.add("GET " + raw + ": " + get.statusCode() + " " + RawS3Client.element(get.body(), "Code"));
      }
    }
    List<String> keys = proxy.backend().keys("rawkeys");
    if (!keys.stream().sorted().toList().equals(CASES.values().stream().sorted().toList())) {
      failures.add("backend keys " + keys + ", expected " + CASES.values());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
