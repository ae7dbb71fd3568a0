package dev.tokengate.benchmarks.proxy;

import dev.tokengate.proxy.ProxyServer;
import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.SignedRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What forwarding through the proxy costs, measured against the same backend addressed directly in
 * the same run. Starts an in-process {@link ProxyServer} on 127.0.0.1 port 0 with its embedded
 * S3Proxy backend (filesystem store, child JVM), creates a bucket as the bootstrap admin, and:
 *
 * <ol>
 *   <li><b>Large object</b>: PUTs one 64 MiB incompressible object through the proxy (signed
 *       payload hash), then GETs it {@code K} times through the proxy (admin key) and {@code K}
 *       times directly from the backend (its own keys from {@link ProxyServer#backend()}, signed
 *       with {@code RequestSigner}), alternating A/B with the order swapped every pair, each on its
 *       own keep-alive connection. Every byte of every body is compared with the object written.
 *       Reported: MiB/s of each (median), and the median of the per-pair ratios proxy ÷ direct.
 *   <li><b>Small object</b>: one 1 KiB object, GET back to back from 8 concurrent keep-alive
 *       connections for ~5 s, direct then proxied, for {@code rounds} rounds after a warm-up of
 *       each (5 s direct, 8 s proxied). Reported: requests/s, p50/p99 (every body checked), ratio proxy ÷ direct per round.
 * </ol>
 *
 * <p>Also printed per phase: CPU seconds of this JVM (client, plus the proxy when proxied) and of
 * the backend JVM, per GiB or per 1 000 requests; and this JVM's heap after GC, threads and open
 * file descriptors, to spot leaks. Any wrong answer makes the run exit with status 1.
 *
 * <p>Run (from the repository root):
 *
 * <pre>{@code
 * mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f benchmarks/pom.xml package
 * java -cp benchmarks/target/benchmarks.jar dev.tokengate.benchmarks.proxy.ForwardingThroughput [K=6] [smallSeconds=5] [connections=8] [rounds=3]
 * }</pre>
 */
public final class ForwardingThroughput {
  private static final int LARGE = 64 << 20;
  private static final int SMALL = 1024;
  private static final String BUCKET = "bench";

  private ForwardingThroughput() {}

  /** An S3 endpoint and the keys that sign for it. */
  private record Target(String name, String host, int port, String accessKey, String secret, String region) {
    String hostHeader() {
      return host + ":" + port;
    }

    LoopbackHttp.Signer signer() {
      return new LoopbackHttp.Signer(accessKey, secret, region, "s3");
    }

    LoopbackHttp connect() throws IOException {
      return new LoopbackHttp(host, port);
    }
  }

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    double smallSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path dir = Files.createTempDirectory("forwarding-bench");
    boolean failed = false;
    try (ProxyServer server = ProxyServer.start(ProxyConfig.of("127.0.0.1:0", dir.toString()), Clock.systemUTC())) {
      URI endpoint = URI.create(server.endpoint());
      BackendConfig backend = server.backend();
      long backendPid = server.embeddedBackend().pid();
      Target proxy = new Target("proxy", endpoint.getHost(), endpoint.getPort(), server.admin().accessKeyId(),
          server.admin().secretAccessKey(), "us-east-1");
      Target direct = new Target("direct", backend.uri().getHost(), backend.uri().getPort(), backend.accessKey(),
          backend.secretKey(), backend.region());
      System.out.printf("proxy %s, backend %s (S3Proxy pid %d), %d cores; %s%n", server.endpoint(), backend.endpoint(),
          backendPid, Runtime.getRuntime().availableProcessors(), ClosedLoop.resources());

      byte[] large = new byte[LARGE];
      new Random(42).nextBytes(large);
      byte[] small = new byte[SMALL];
      new Random(43).nextBytes(small);
      try (LoopbackHttp c = proxy.connect()) {
        expect200(c.exchange(request(proxy, "PUT", "/" + BUCKET, null, LoopbackHttp.EMPTY_SHA256)), "create bucket");
        expect200(c.exchange(request(proxy, "PUT", "/" + BUCKET + "/small", null, LoopbackHttp.sha256Hex(small), SMALL), small),
            "PUT 1 KiB");
      }
      String largeHash = LoopbackHttp.sha256Hex(large);
      for (Target t : List.of(direct, proxy)) {
        try (LoopbackHttp c = t.connect()) {
          long t0 = System.nanoTime();
          expect200(c.exchange(request(t, "PUT", "/" + BUCKET + "/large-" + t.name(), null, largeHash, LARGE), large),
              "PUT 64 MiB " + t.name());
          double s = (System.nanoTime() - t0) / 1e9;
          System.out.printf("PUT 64 MiB %-6s %7.1f MiB/s (one sample, signed payload)%n", t.name(), 64 / s);
        }
      }

      // Large GETs, alternating, each side on its own keep-alive connection.
      try (LoopbackHttp toProxy = proxy.connect(); LoopbackHttp toDirect = direct.connect()) {
        for (int i = 0; i < 2; i++) { // warm-up (JIT, page cache)
          largeGet(direct, toDirect, "large-proxy", large);
          largeGet(proxy, toProxy, "large-proxy", large);
        }
        double[] viaProxy = new double[pairs];
        double[] straight = new double[pairs];
        double[] ratio = new double[pairs];
        long[] cpuProxy = new long[2];
        long[] cpuDirect = new long[2];
        for (int i = 0; i < pairs; i++) {
          boolean directFirst = i % 2 == 0;
          for (int k = 0; k < 2; k++) {
            boolean isDirect = (k == 0) == directFirst;
            long[] before = cpu(backendPid);
            double mibs = isDirect ? largeGet(direct, toDirect, "large-proxy", large) : largeGet(proxy, toProxy, "large-proxy", large);
            long[] after = cpu(backendPid);
            long[] sum = isDirect ? cpuDirect : cpuProxy;
            sum[0] += after[0] - before[0];
            sum[1] += after[1] - before[1];
            if (isDirect) {
              straight[i] = mibs;
            } else {
              viaProxy[i] = mibs;
            }
          }
          ratio[i] = viaProxy[i] / straight[i];
          System.out.printf("GET 64 MiB pair %d: direct %7.1f MiB/s  proxy %7.1f MiB/s  ratio %.2f%n", i + 1, straight[i],
              viaProxy[i], ratio[i]);
        }
        double gib = pairs * 64 / 1024.0;
        System.out.printf("RESULT GET 64 MiB: proxy %.0f MiB/s vs direct %.0f MiB/s (medians of %d): ratio %.2f "
                + "(median of per-pair ratios; min %.2f max %.2f)%n",
            ClosedLoop.median(viaProxy), ClosedLoop.median(straight), pairs, ClosedLoop.median(ratio),
            Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0));
        System.out.printf("CPU per GiB GET: proxied: this JVM (client+proxy) %.2f s, backend %.2f s; direct: this JVM"
                + " (client) %.2f s, backend %.2f s%n",
            cpuProxy[0] / 1e9 / gib, cpuProxy[1] / 1e9 / gib, cpuDirect[0] / 1e9 / gib, cpuDirect[1] / 1e9 / gib);
        System.out.println("after large GETs: " + ClosedLoop.resources());
      }

      // Small GETs, closed loop.
      System.out.println("warm-up:");
      failed |= report(smallGets(direct, connections, 5, small), null, backendPid);
      failed |= report(smallGets(proxy, connections, 8, small), null, backendPid);
      double[] d = new double[rounds];
      double[] p = new double[rounds];
      double[] r = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long[] c0 = cpu(backendPid);
        ClosedLoop.Result rd = smallGets(direct, connections, smallSeconds, small);
        failed |= report(rd, c0, backendPid);
        c0 = cpu(backendPid);
        ClosedLoop.Result rp = smallGets(proxy, connections, smallSeconds, small);
        failed |= report(rp, c0, backendPid);
        d[i] = rd.perSecond();
        p[i] = rp.perSecond();
        r[i] = p[i] / d[i];
      }
      System.out.printf("RESULT GET 1 KiB, %d connections: proxy %.0f req/s vs direct %.0f req/s (medians of %d rounds):"
              + " ratio %.2f (per round %s)%n",
          connections, ClosedLoop.median(p), ClosedLoop.median(d), rounds, ClosedLoop.median(r), Arrays.toString(
              Arrays.stream(r).map(x -> Math.round(x * 100) / 100.0).toArray()));
    }
    ClosedLoop.deleteTree(dir);
    if (failed) {
      System.out.println("FAILED: some answers were wrong (see above)");
      System.exit(1);
    }
    System.exit(0);
  }

  /** One GET of the large object on {@code c}, every byte compared; MiB/s from request to last byte. */
  private static double largeGet(Target t, LoopbackHttp c, String key, byte[] expected) throws IOException {
    byte[] req = request(t, "GET", "/" + BUCKET + "/" + key, null, LoopbackHttp.EMPTY_SHA256);
    long t0 = System.nanoTime();
    LoopbackHttp.Response r = c.exchangeExpecting(req, expected, false);
    double s = (System.nanoTime() - t0) / 1e9;
    if (r.status() != 200 || r.bodyLength() != expected.length) {
      throw new IllegalStateException("GET 64 MiB " + t.name() + ": " + r.describe() + " (" + r.bodyLength() + " bytes)");
    }
    if (!r.keepAlive()) {
      throw new IllegalStateException("GET 64 MiB " + t.name() + " closed the keep-alive connection");
    }
    return expected.length / (double) (1 << 20) / s;
  }

  private static ClosedLoop.Result smallGets(Target t, int connections, double seconds, byte[] small)
      throws InterruptedException {
    LoopbackHttp.Signer[] signers = new LoopbackHttp.Signer[connections];
    for (int i = 0; i < connections; i++) {
      signers[i] = t.signer();
    }
    String label = "GET 1 KiB " + t.name();
    return ClosedLoop.run(label, t.host(), t.port(), connections, seconds, (connection, worker, sequence) -> {
      LoopbackHttp.Response r = connection.exchange(signers[worker].request("GET", "/" + BUCKET + "/small", "",
          t.hostHeader(), List.of(), null, 0, LoopbackHttp.EMPTY_SHA256, true));
      return r.status() == 200 && Arrays.equals(r.body(), small) ? null : r.describe();
    });
  }

  private static boolean report(ClosedLoop.Result r, long[] cpuBefore, long backendPid) {
    String cpu = "";
    if (cpuBefore != null) {
      long[] after = cpu(backendPid);
      double k = r.ok() / 1000.0;
      cpu = String.format("  | CPU per 1000 req: this JVM %.0f ms, backend %.0f ms", (after[0] - cpuBefore[0]) / 1e6 / k,
          (after[1] - cpuBefore[1]) / 1e6 / k);
    }
    System.out.println(r.line() + cpu + "  | " + ClosedLoop.resources());
    r.failureSamples().forEach(f -> System.out.println("  WRONG ANSWER " + f));
    return r.failed() > 0;
  }

  private static byte[] request(Target t, String method, String path, byte[] body, String hash) {
    return request(t, method, path, body, hash, body == null ? 0 : body.length);
  }

  /** The head (and body, when given) of a path-style S3 request signed for {@code t}. */
  private static byte[] request(Target t, String method, String path, byte[] body, String hash, long length) {
    return t.signer().request(method, path, "", t.hostHeader(), List.<SignedRequest.Header>of(), body, length, hash, true);
  }

  private static void expect200(LoopbackHttp.Response r, String what) {
    if (r.status() != 200) {
      throw new IllegalStateException(what + ": " + r.describe());
    }
  }

  /** CPU nanoseconds used so far by this JVM and by the backend process. */
  private static long[] cpu(long backendPid) {
    long self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    long backend = ProcessHandle.of(backendPid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    return new long[] {self, backend};
  }
}
