package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What one client may take from the proxy. Every field is optional; the defaults hold a slow or
 * greedy client to a bounded share without cutting off any well-behaved client we know of.
 *
 * <pre>
 * limits:
 *   headerTimeoutSeconds: 10        # the whole request head, from its first byte (slowloris) → 408
 *   bodyIdleTimeoutSeconds: 20      # no request-body byte for this long → 400 RequestTimeout
 *   maxConnections: 4096            # open client connections; the excess is answered 503 SlowDown
 *   maxRequestsPerConnection: 1000  # then the response carries Connection: close
 *   maxQueryFormBytes: 262144       # an STS/IAM form body (AssumeRoleWithSAML is ≤ 100 000 chars)
 *   maxAwsChunkBytes: 16777216      # one aws-chunked chunk (SDKs send 64 KiB to 8 MiB)
 *   shutdownGraceSeconds: 30        # on SIGTERM, how long requests in flight may take to finish
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LimitsConfig(
    @JsonProperty("headerTimeoutSeconds") Integer headerTimeoutSeconds,
    @JsonProperty("bodyIdleTimeoutSeconds") Integer bodyIdleTimeoutSeconds,
    @JsonProperty("maxConnections") Integer maxConnections,
    @JsonProperty("maxRequestsPerConnection") Integer maxRequestsPerConnection,
    @JsonProperty("maxQueryFormBytes") Integer maxQueryFormBytes,
    @JsonProperty("maxAwsChunkBytes") Integer maxAwsChunkBytes,
    @JsonProperty("shutdownGraceSeconds") Integer shutdownGraceSeconds) {

  /** Upper bounds that catch a unit mistake (milliseconds given as seconds) rather than taste. */
  private static final int MAX_TIMEOUT_SECONDS = 3600;
  private static final int MAX_FORM_BYTES = 16 * 1024 * 1024;
  private static final int MAX_CHUNK_BYTES = 64 * 1024 * 1024;
  /** An aws-chunked chunk is at least 8 KiB (all but the last); a smaller bound refuses every SDK. */
  private static final int MIN_CHUNK_BYTES = 8 * 1024;
  /** The longest form a signed STS call can be: below that, a valid AssumeRoleWithSAML is refused. */
  private static final int MIN_FORM_BYTES = 4 * 1024;

  public LimitsConfig {
    headerTimeoutSeconds = headerTimeoutSeconds == null ? 10 : headerTimeoutSeconds;
    bodyIdleTimeoutSeconds = bodyIdleTimeoutSeconds == null ? 20 : bodyIdleTimeoutSeconds;
    maxConnections = maxConnections == null ? 4096 : maxConnections;
    maxRequestsPerConnection = maxRequestsPerConnection == null ? 1000 : maxRequestsPerConnection;
    maxQueryFormBytes = maxQueryFormBytes == null ? 256 * 1024 : maxQueryFormBytes;
    maxAwsChunkBytes = maxAwsChunkBytes == null ? 16 * 1024 * 1024 : maxAwsChunkBytes;
    shutdownGraceSeconds = shutdownGraceSeconds == null ? 30 : shutdownGraceSeconds;
  }

  public static LimitsConfig defaults() {
    return new LimitsConfig(null, null, null, null, null, null, null);
  }

  void problems(String where, List<String> problems) {
    range(problems, where + ".headerTimeoutSeconds", headerTimeoutSeconds, 1, MAX_TIMEOUT_SECONDS, "seconds");
    range(problems, where + ".bodyIdleTimeoutSeconds", bodyIdleTimeoutSeconds, 1, MAX_TIMEOUT_SECONDS, "seconds");
    range(problems, where + ".maxConnections", maxConnections, 1, 1_000_000, "connections");
    range(problems, where + ".maxRequestsPerConnection", maxRequestsPerConnection, 1, Integer.MAX_VALUE, "requests");
    range(problems, where + ".maxQueryFormBytes", maxQueryFormBytes, MIN_FORM_BYTES, MAX_FORM_BYTES, "bytes");
    range(problems, where + ".maxAwsChunkBytes", maxAwsChunkBytes, MIN_CHUNK_BYTES, MAX_CHUNK_BYTES, "bytes");
    range(problems, where + ".shutdownGraceSeconds", shutdownGraceSeconds, 0, MAX_TIMEOUT_SECONDS, "seconds");
  }

  private static void range(List<String> problems, String field, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      problems.add(field + " must be from " + min + " to " + max + " " + unit + ", got " + value);
    }
  }
}
