package dev.tokengate.benchmarks.proxy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * A closed-loop load phase: {@code connections} worker threads (a fixed pool), each with one
 * keep-alive {@link LoopbackHttp} connection, send requests back to back for a fixed time. Every
 * answer is checked by the caller's {@link Exchange}; failures are counted (with the first few
 * kept verbatim) and a broken connection is replaced, so the run finishes and reports them.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /** One request and its check: null when the answer was right, else what was wrong. */
  interface Exchange {
    String run(LoopbackHttp connection, int worker, long sequence) throws IOException;
  }

  /** A phase's outcome; latencies are summarised, not kept, so the heap figures stay about the server. */
  record Result(String label, long ok, long failed, List<String> failureSamples, double seconds,
      double p50Micros, double p99Micros, double maxMillis, long[] completedPerSecond, long reconnects) {
    double perSecond() {
      return ok / seconds;
    }

    /** Whole seconds of the phase in which nothing completed: a stall. */
    long stalledSeconds() {
      return Arrays.stream(completedPerSecond).filter(n -> n == 0).count();
    }

    String line() {
      return String.format("%-22s %9.0f req/s  p50 %7.0f µs  p99 %7.0f µs  max %6.1f ms  ok %d  failed %d"
              + "  reconnects %d  slowest/fastest second %d/%d",
          label, perSecond(), p50Micros, p99Micros, maxMillis, ok, failed, reconnects,
          Arrays.stream(completedPerSecond).min().orElse(0), Arrays.stream(completedPerSecond).max().orElse(0));
    }
  }

  private static double percentileMicros(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e3;
  }

  static Result run(String label, String host, int port, int connections, double seconds, Exchange exchange)
      throws InterruptedException {
    int wholeSeconds = (int) Math.ceil(seconds);
    AtomicLongArray perSecond = new AtomicLongArray(wholeSeconds);
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long[] failed = new long[connections];
    long[] reconnects = new long[connections];
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    List<Future<long[]>> workers = new ArrayList<>();
    for (int w = 0; w < connections; w++) {
      int worker = w;
      workers.add(pool.submit(() -> {
        long[] latencies = new long[1 << 16];
        int n = 0;
        long sequence = 0;
        LoopbackHttp connection = null;
        try {
          while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            String wrong;
            try {
              if (connection == null || !connection.isOpen()) {
                if (connection != null) {
                  reconnects[worker]++;
                }
                connection = new LoopbackHttp(host, port);
              }
              wrong = exchange.run(connection, worker, sequence++);
            } catch (IOException | RuntimeException e) {
              wrong = e.toString();
              if (connection != null) {
                connection.close();
              }
            }
            long t1 = System.nanoTime();
            if (wrong != null) {
              failed[worker]++;
              if (failures.size() < 5) {
                failures.add(label + ": " + wrong);
              }
              continue;
            }
            if (t1 < deadline) {
              if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
              }
              latencies[n++] = t1 - t0;
              perSecond.incrementAndGet((int) ((t1 - start) / 1_000_000_000L));
            }
          }
        } finally {
          if (connection != null) {
            connection.close();
          }
        }
        return Arrays.copyOf(latencies, n);
      }));
    }
    List<long[]> all = new ArrayList<>();
    try {
      for (Future<long[]> w : workers) {
        all.add(w.get());
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(label + ": a load worker died", e.getCause());
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    double elapsed = (deadline - start) / 1e9;
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    long[] buckets = new long[(int) Math.floor(seconds)];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = perSecond.get(i);
    }
    return new Result(label, merged.length, Arrays.stream(failed).sum(), List.copyOf(failures), elapsed,
        percentileMicros(merged, 0.50), percentileMicros(merged, 0.99),
        merged.length == 0 ? Double.NaN : merged[merged.length - 1] / 1e6, buckets, Arrays.stream(reconnects).sum());
  }

  /** Removes a run's temporary data directory (the embedded backend's objects included). */
  static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.out.println("could not remove " + dir + ": " + e);
    }
  }

  static double median(double... values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Heap after a GC, live threads and open file descriptors of this JVM: printed between phases to spot leaks. */
  static String resources() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      fds = s.count();
    } catch (IOException e) {
      fds = -1;
    }
    return String.format("heap used after GC %d MiB, threads %d, open fds %d",
        (rt.totalMemory() - rt.freeMemory()) >> 20, ManagementFactory.getThreadMXBean().getThreadCount(), fds);
  }
}
