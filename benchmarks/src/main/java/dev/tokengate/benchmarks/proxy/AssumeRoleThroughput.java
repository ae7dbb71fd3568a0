package dev.tokengate.benchmarks.proxy;

import dev.tokengate.proxy.ProxyServer;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * AssumeRole requests per second, end to end in process: an in-process {@link ProxyServer}, and
 * {@code CONNECTIONS} keep-alive loopback connections each sending signed AssumeRole calls and
 * checking every answer (status 200 and an {@code ASIA…} key). Baseline, in the same run and on
 * the same connections: GetCallerIdentity, which goes through the same HTTP, aggregation, SigV4
 * and STS dispatch but mints, seals and renders no session. The ratio is the cost of minting.
 *
 * <p>To keep the load generator's own CPU out of the two cores' budget, each connection signs its
 * request once per run and replays it (SigV4 has no nonce; a signature is valid for 15 minutes), and
 * speaks HTTP/1.1 over a plain socket. Runs alternate A/B: baseline, AssumeRole, baseline,
 * AssumeRole.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml package && java
 * -cp benchmarks/target/benchmarks.jar dev.tokengate.benchmarks.proxy.AssumeRoleThroughput [seconds]
 * [connections]}
 */
public final class AssumeRoleThroughput {
  private static final String KEY = "AKIAALICE00000000001";
  private static final String SECRET = "alice-secret-alice-secret-alice-secret-0";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private AssumeRoleThroughput() {}

  record Run(String action, long ok, double seconds, long[] latenciesNanos) {
    double perSecond() {
      return ok / seconds;
    }

    long percentileMicros(double p) {
      if (latenciesNanos.length == 0) {
        return -1;
      }
      return latenciesNanos[Math.min(latenciesNanos.length - 1, (int) (p * latenciesNanos.length))] / 1000;
    }
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path dir = Files.createTempDirectory("assume-role-bench");
    Path config = dir.resolve("tokengate.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        backend: {endpoint: "http://127.0.0.1:9", accessKey: unused, secretKey: unused}
        users:
          - name: alice
            accessKeys: [{id: %s, secret: %s}]
            policies:
              assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
        roles:
          - name: bench
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            trustPolicy:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}]
        """.formatted(dir.resolve("data"), KEY, SECRET));
    try (ProxyServer server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
      URI endpoint = URI.create(server.endpoint());
      String assume = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbench"
          + "&RoleSessionName=bench&DurationSeconds=900";
      String whoAmI = "Action=GetCallerIdentity&Version=2011-06-15";
      run(endpoint, whoAmI, "<Arn>", 2, connections); // warm-up
      run(endpoint, assume, "<AccessKeyId>ASIA", 2, connections);
      List<Run> runs = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        runs.add(run(endpoint, whoAmI, "<Arn>", seconds, connections));
        runs.add(run(endpoint, assume, "<AccessKeyId>ASIA", seconds, connections));
      }
      double baseline = 0;
      double assumeRole = 0;
      for (Run r : runs) {
        System.out.printf("%-18s %8.0f req/s  p50 %5d µs  p99 %6d µs  (%d ok in %.1f s)%n",
            r.action(), r.perSecond(), r.percentileMicros(0.50), r.percentileMicros(0.99), r.ok(), r.seconds());
        if (r.action().equals("AssumeRole")) {
          assumeRole += r.perSecond() / 2;
        } else {
          baseline += r.perSecond() / 2;
        }
      }
      System.out.printf("AssumeRole %.0f req/s vs GetCallerIdentity baseline %.0f req/s: ratio %.2f (%d connections, %d cores)%n",
          assumeRole, baseline, assumeRole / baseline, connections, Runtime.getRuntime().availableProcessors());
    }
    System.exit(0);
  }

  private static Run run(URI endpoint, String form, String mustContain, int seconds, int connections) throws Exception {
    String action = form.substring("Action=".length(), form.indexOf('&'));
    byte[] request = signedRequest(endpoint, form);
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    List<Future<long[]>> workers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      workers.add(pool.submit(() -> connection(endpoint, request, mustContain, deadline)));
    }
    List<long[]> all = new ArrayList<>();
    long ok = 0;
    for (Future<long[]> w : workers) {
      long[] latencies = w.get();
      all.add(latencies);
      ok += latencies.length;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Run(action, ok, elapsed, merged);
  }

  /** One keep-alive connection replaying {@code request} until the deadline; every answer is checked. */
  private static long[] connection(URI endpoint, byte[] request, String mustContain, long deadline) throws IOException {
    long[] latencies = new long[1 << 20];
    int n = 0;
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
      while (System.nanoTime() < deadline && n < latencies.length) {
        long t0 = System.nanoTime();
        out.write(request);
        out.flush();
        String response = readResponse(in);
        if (!response.startsWith("HTTP/1.1 200") || !response.contains(mustContain)) {
          throw new IllegalStateException("unexpected answer: " + response);
        }
        latencies[n++] = System.nanoTime() - t0;
      }
    }
    return Arrays.copyOf(latencies, n);
  }

  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int contentLength = -1;
    String line;
    while (!(line = readLine(in)).isEmpty()) {
      head.append(line).append('\n');
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        contentLength = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (contentLength < 0) {
      throw new IllegalStateException("response without Content-Length: " + head);
    }
    byte[] body = in.readNBytes(contentLength);
    return head + new String(body, StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private static byte[] signedRequest(URI endpoint, String form) throws Exception {
    byte[] body = form.getBytes(StandardCharsets.UTF_8);
    String host = endpoint.getHost() + ":" + endpoint.getPort();
    String amzDate = AMZ_DATE.format(Instant.now());
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    List<SignedRequest.Header> headers = List.of(
        new SignedRequest.Header("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
        new SignedRequest.Header("host", host),
        new SignedRequest.Header("x-amz-date", amzDate));
    String authorization = new RequestSigner(new SigningKeyCache(4))
        .authorization(new SignedRequest("POST", "/", "", headers), KEY, SECRET, "us-east-1", "sts", amzDate, hash);
    String head = "POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        + "X-Amz-Date: " + amzDate + "\r\nAuthorization: " + authorization + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }
}
