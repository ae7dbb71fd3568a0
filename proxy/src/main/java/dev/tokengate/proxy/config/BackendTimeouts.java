package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * How long the proxy waits on its backend (external or embedded) before it gives up and answers
 * the client itself. Seconds, fractions allowed (at most millisecond precision counts).
 *
 * <pre>
 * backendTimeouts:
 *   connectSeconds: 5     # TCP connect
 *   responseSeconds: 30   # request sent → the response's status line and headers
 *   idleSeconds: 30       # no byte either way while a body streams
 * </pre>
 *
 * <p>The defaults sit below the read timeouts of common S3 clients (AWS CLI and boto3 60 s, the
 * Java SDK v1 50 s), so a stalled backend is answered by the proxy, with an S3 error, before the
 * client gives up on its own and retries blind.
 */
public record BackendTimeouts(
    @JsonProperty("connectSeconds") Double connectSeconds,
    @JsonProperty("responseSeconds") Double responseSeconds,
    @JsonProperty("idleSeconds") Double idleSeconds) {

  static final double DEFAULT_CONNECT = 5;
  static final double DEFAULT_RESPONSE = 30;
  static final double DEFAULT_IDLE = 30;

  /** Below this, loopback scheduling noise alone would trip a timeout. */
  private static final double MIN = 0.1;

  /** Longer would hold a client's connection beyond any client's patience. */
  private static final double MAX_CONNECT = 120;

  private static final double MAX_WAIT = 3600;

  public BackendTimeouts {
    connectSeconds = connectSeconds == null ? DEFAULT_CONNECT : connectSeconds;
    responseSeconds = responseSeconds == null ? DEFAULT_RESPONSE : responseSeconds;
    idleSeconds = idleSeconds == null ? DEFAULT_IDLE : idleSeconds;
  }

  public static BackendTimeouts defaults() {
    return new BackendTimeouts(null, null, null);
  }

  public Duration connect() {
    return duration(connectSeconds);
  }

  public Duration response() {
    return duration(responseSeconds);
  }

  public Duration idle() {
    return duration(idleSeconds);
  }

  private static Duration duration(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  void problems(String where, List<String> problems) {
    check(where + ".connectSeconds", connectSeconds, MAX_CONNECT, problems);
    check(where + ".responseSeconds", responseSeconds, MAX_WAIT, problems);
    check(where + ".idleSeconds", idleSeconds, MAX_WAIT, problems);
  }

  private static void check(String field, double value, double max, List<String> problems) {
    if (!(value >= MIN && value <= max)) {
      problems.add(field + " must be from " + MIN + " to " + (long) max + " seconds, got " + value);
    }
  }
}
