package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * When a backend keeps failing, answer at once instead of making every client wait out a timeout.
 *
 * <pre>
 * backendCircuitBreaker:
 *   failures: 5        # consecutive failed exchanges that open the circuit; 0 turns it off
 *   openSeconds: 5     # answered at once for this long, then one request at a time tries again
 * </pre>
 */
public record BackendCircuitBreaker(
    @JsonProperty("failures") Integer failures, @JsonProperty("openSeconds") Double openSeconds) {

  public BackendCircuitBreaker {
    failures = failures == null ? 5 : failures;
    openSeconds = openSeconds == null ? 5 : openSeconds;
  }

  public static BackendCircuitBreaker defaults() {
    return new BackendCircuitBreaker(null, null);
  }

  public Duration open() {
    return Duration.ofMillis(Math.round(openSeconds * 1000));
  }

  void problems(String where, List<String> problems) {
    if (failures < 0 || failures > 1000) {
      problems.add(where + ".failures must be from 0 (off) to 1000, got " + failures);
    }
    if (!(openSeconds >= 0.1 && openSeconds <= 600)) {
      problems.add(where + ".openSeconds must be from 0.1 to 600 seconds, got " + openSeconds);
    }
  }
}
