package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The admin listener: Prometheus metrics and health probes, on a port of their own (never on the
 * S3 port, where {@code /metrics} is a bucket).
 *
 * <pre>
 * admin:
 *   listen: 127.0.0.1:9100          # loopback by default
 *   bearerTokenFile: /run/secrets/tokengate-admin   # optional: every admin path needs
 *   bearerTokenEnv: TOKENGATE_ADMIN_TOKEN           #   "Authorization: Bearer TOKEN" (one of the two)
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record AdminConfig(
    @JsonProperty("listen") String listen,
    @JsonProperty("bearerTokenFile") String bearerTokenFile,
    @JsonProperty("bearerTokenEnv") String bearerTokenEnv) {

  /** Shorter tokens are guessable; 16 characters is a UUID's worth of entropy at best. */
  static final int MIN_TOKEN_CHARS = 16;

  public AdminConfig {
    listen = listen == null ? "127.0.0.1:9100" : listen;
  }

  public ListenAddress address() {
    return ListenAddress.of(listen);
  }

  /** The bearer token every admin request must carry, or null when none is configured. */
  public String bearerToken(Map<String, String> env) {
    if (bearerTokenFile != null) {
      try {
        return Files.readString(Path.of(bearerTokenFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        return null;
      }
    }
    if (bearerTokenEnv != null) {
      String value = env.get(bearerTokenEnv);
      return value == null ? null : value.strip();
    }
    return null;
  }

  void problems(String where, List<String> problems, Map<String, String> env) {
    ListenAddress.parse(where + ".listen", listen, problems);
    if (bearerTokenFile != null && bearerTokenEnv != null) {
      problems.add(where + ": give bearerTokenFile or bearerTokenEnv, not both");
      return;
    }
    if (bearerTokenFile != null && !Files.isReadable(Path.of(bearerTokenFile))) {
      problems.add(where + ".bearerTokenFile '" + bearerTokenFile + "' is not a readable file");
      return;
    }
    if (bearerTokenEnv != null && env.get(bearerTokenEnv) == null) {
      problems.add(where + ".bearerTokenEnv: the environment has no variable " + bearerTokenEnv);
      return;
    }
    String token = bearerToken(env);
    if ((bearerTokenFile != null || bearerTokenEnv != null) && (token == null || token.length() < MIN_TOKEN_CHARS
        || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      problems.add(where + ": the bearer token must be at least " + MIN_TOKEN_CHARS
          + " printable characters without spaces");
    }
  }
}
