package dev.tokengate.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The proxy's meters, in one Prometheus registry. Every label value comes from a bounded set (S3
 * operations, status codes, wire error codes, IAM action names of known operations); buckets, keys
 * and access keys never become labels. Meters are made once per label tuple and cached, so the
 * request path does a map lookup and an add.
 */
public final class ProxyMetrics implements AutoCloseable {
  /** A label value seen beyond this many distinct ones becomes "other": client input cannot grow the registry. */
  static final int MAX_VALUES_PER_METER = 256;
  static final String OTHER = "other";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<List<String>, Counter> requests = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> authenticationFailures = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> denials = new ConcurrentHashMap<>();
  private final Map<String, Map<List<String>, Counter>> queryCalls = new ConcurrentHashMap<>();
  private final Counter sessionsIssued;
  private final Counter bytesReceived;
  private final Counter bytesSent;
  private final Timer firstByte;
  private final Timer backendRequest;
  private final Timer backendFirstByte;
  private final AtomicInteger clientConnections = new AtomicInteger();
  private final AtomicInteger backendConnections = new AtomicInteger();

  public ProxyMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    PooledByteBufAllocatorMetric allocator = PooledByteBufAllocator.DEFAULT.metric();
    Gauge.builder("netty.allocator.pooled.used.heap", allocator, PooledByteBufAllocatorMetric::usedHeapMemory)
        .baseUnit("bytes").description("Heap memory held by Netty's pooled allocator").register(registry);
    Gauge.builder("netty.allocator.pooled.used.direct", allocator, PooledByteBufAllocatorMetric::usedDirectMemory)
        .baseUnit("bytes").description("Direct memory held by Netty's pooled allocator").register(registry);
    Gauge.builder("netty.allocator.pooled.arenas.direct", allocator, PooledByteBufAllocatorMetric::numDirectArenas)
        .description("Direct arenas of Netty's pooled allocator").register(registry);
    Gauge.builder("netty.allocator.pooled.thread.local.caches", allocator,
        PooledByteBufAllocatorMetric::numThreadLocalCaches).description("Thread-local caches of Netty's pooled allocator")
        .register(registry);
    Gauge.builder("tokengate.client.connections", clientConnections, AtomicInteger::get)
        .description("Client connections open (HTTP and HTTPS)").register(registry);
    Gauge.builder("tokengate.backend.connections", backendConnections, AtomicInteger::get)
        .description("Backend connections open (in use and pooled)").register(registry);
    sessionsIssued = Counter.builder("tokengate.sessions.issued").description("Temporary credentials issued by STS")
        .register(registry);
    bytesReceived = Counter.builder("tokengate.bytes.received")
        .description("S3 request body bytes received from clients").register(registry);
    bytesSent = Counter.builder("tokengate.bytes.sent")
        .description("S3 response body bytes sent to clients").register(registry);
    firstByte = histogram("tokengate.response.first.byte", "Request head received to response head sent (S3)");
    backendRequest = histogram("tokengate.backend.request", "Backend request sent to its response's last byte");
    backendFirstByte = histogram("tokengate.backend.first.byte", "Backend request sent to its response head");
  }

  private Timer histogram(String name, String description) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
  }

  /** One S3 request answered: its operation (or "none" when it was refused before it had one) and status. */
  public void request(String operation, int status) {
    counter(requests, "tokengate.requests", "S3 requests answered, by operation and HTTP status",
        List.of("operation", "status"), operation, Integer.toString(status)).increment();
  }

  /** A request whose authentication failed, by the wire error code it got. */
  public void authenticationFailure(String reason) {
    counter(authenticationFailures, "tokengate.authentication.failures",
        "Requests refused by authentication, by the error code answered", List.of("reason"), reason).increment();
  }

  /** A request the policies denied, by the IAM action denied. */
  public void authorizationDenial(String action) {
    counter(denials, "tokengate.authorization.denials", "Requests denied by policy, by IAM action",
        List.of("action"), action).increment();
  }

  /**
   * An STS or IAM call answered.
   *
   * @param service "sts" or "iam"
   * @param outcome "success" or the wire error code
   */
  public void queryCall(String service, String action, String outcome) {
    counter(queryCalls.computeIfAbsent(service, s -> new ConcurrentHashMap<>()), "tokengate." + service + ".calls",
        "Calls to " + service.toUpperCase(Locale.ROOT) + ", by action and outcome", List.of("action", "outcome"),
        action, outcome).increment();
  }

  public void sessionIssued() {
    sessionsIssued.increment();
  }

  public void bytesReceived(long bytes) {
    bytesReceived.increment(bytes);
  }

  public void bytesSent(long bytes) {
    bytesSent.increment(bytes);
  }

  public void firstByte(long nanos) {
    firstByte.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void backendRequest(long nanos) {
    backendRequest.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void backendFirstByte(long nanos) {
    backendFirstByte.record(nanos, TimeUnit.NANOSECONDS);
  }

  public AtomicInteger clientConnections() {
    return clientConnections;
  }

  public AtomicInteger backendConnections() {
    return backendConnections;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** The counter of one label tuple, made on first use; past the bound, the tuple ("other", …). */
  private Counter counter(Map<List<String>, Counter> cache, String name, String description, List<String> labels,
      String... values) {
    List<String> key = Arrays.asList(values);
    Counter counter = cache.get(key);
    if (counter != null) {
      return counter;
    }
    List<String> tuple = cache.size() < MAX_VALUES_PER_METER ? key : Collections.nCopies(values.length, OTHER);
    return cache.computeIfAbsent(tuple, t -> {
      Counter.Builder builder = Counter.builder(name).description(description);
      for (int i = 0; i < labels.size(); i++) {
        builder.tag(labels.get(i), t.get(i));
      }
      return builder.register(registry);
    });
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
