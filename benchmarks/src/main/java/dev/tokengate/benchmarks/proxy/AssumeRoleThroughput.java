package dev.tokengate.benchmarks.proxy;

import dev.tokengate.proxy.ProxyServer;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.SignedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * AssumeRole calls per second, end to end in process. Starts a {@link ProxyServer} on 127.0.0.1
 * port 0 (a user allowed {@code sts:AssumeRole} and a role trusting it, as in {@code
 * StsFlowTest}), then drives signed AssumeRole calls (form POST, SigV4 service {@code sts}, each
 * request signed afresh with {@code RequestSigner} and given its own RoleSessionName) from N
 * concurrent keep-alive HTTP/1.1 connections for a fixed time, and checks every answer (status
 * 200 and {@code <AccessKeyId>ASIA}). Baseline, same run, same connections and alternating with
 * it: GetCallerIdentity, which passes the same HTTP codec, aggregation, SigV4 verification and STS
 * dispatch but evaluates no policy and mints, seals and renders no session. Ratio =
 * AssumeRole/s ÷ GetCallerIdentity/s; the target is ≥ 5 000 AssumeRole/s.
 *
 * <p>Phases: a warm-up of each ({@code warmUp} s, default 10: 3 s proved too short for the JIT on
 * the shared 2-core VM), then {@code rounds} × (baseline, AssumeRole) of {@code seconds} each;
 * the result is the median over rounds of each rate and of the per-round ratios. Printed per phase: requests/s, p50/p99/max latency, failures, reconnects and the
 * slowest/fastest whole second (a 0 there is a stall); and between phases this JVM's heap after GC,
 * threads and open file descriptors (leaks). Any wrong answer makes the run exit with status 1.
 *
 * <p>The client is a minimal blocking socket client ({@link LoopbackHttp}), one thread per
 * connection from a fixed pool: it shares the machine's 2 cores with the proxy, and {@code
 * java.net.http.HttpClient} would cost several times more per request.
 *
 * <p>Run (from the repository root):
 *
 * <pre>{@code
 * mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f benchmarks/pom.xml package
 * java -cp benchmarks/target/benchmarks.jar dev.tokengate.benchmarks.proxy.AssumeRoleThroughput [seconds=10] [connections=8] [rounds=3] [warmUp=10]
 * }</pre>
 */
public final class AssumeRoleThroughput {
  private static final String KEY = "AKIAALICE00000000001";
  private static final String SECRET = "alice-secret-alice-secret-alice-secret-0";
  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/bench";
  private static final double TARGET = 5_000;

  private AssumeRoleThroughput() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    // The JIT needs more than a few seconds on a busy 2-core box: a 3 s warm-up left the first
    // measured round at a quarter of the later ones' rate.
    double warmUp = args.length > 3 ? Double.parseDouble(args[3]) : 10;
    Path dir = Files.createTempDirectory("assume-role-bench");
    Path config = dir.resolve("tokengate.yaml");
    // The StsFlowTest shape. STS never forwards, so the backend is a placeholder that nothing
    // connects to, rather than an embedded S3Proxy JVM idling on the same two cores.
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        backend: {endpoint: "http://127.0.0.1:9", accessKey: unused, secretKey: unused}
        users:
          - name: alice
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
            policies:
              assume:
                Version: "2012-10-17"
                Statement:
                  - {Effect: Allow, Action: ["sts:AssumeRole", "sts:GetFederationToken"], Resource: "*"}
        roles:
          - name: bench
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            maxSessionDuration: 7200
            trustPolicy:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}]
        """.formatted(dir.resolve("data"), KEY, SECRET));
    List<ClosedLoop.Result> results = new ArrayList<>();
    boolean failed = false;
    try (ProxyServer server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
      URI endpoint = URI.create(server.endpoint());
      String host = endpoint.getHost();
      int port = endpoint.getPort();
      System.out.printf("proxy %s, %d connections, %d × %.0f s per action, %d cores; %s%n",
          server.endpoint(), connections, rounds, seconds, Runtime.getRuntime().availableProcessors(), ClosedLoop.resources());
      failed |= report(ClosedLoop.run("warm-up GetCallerIdentity", host, port, connections, warmUp, whoAmI(host, port, connections)));
      failed |= report(ClosedLoop.run("warm-up AssumeRole", host, port, connections, warmUp, assumeRole(host, port, connections)));
      for (int round = 0; round < rounds; round++) {
        ClosedLoop.Result baseline =
            ClosedLoop.run("GetCallerIdentity", host, port, connections, seconds, whoAmI(host, port, connections));
        failed |= report(baseline);
        results.add(baseline);
        ClosedLoop.Result assume =
            ClosedLoop.run("AssumeRole", host, port, connections, seconds, assumeRole(host, port, connections));
        failed |= report(assume);
        results.add(assume);
      }
    }
    ClosedLoop.deleteTree(dir);
    double[] assume = new double[rounds];
    double[] baseline = new double[rounds];
    double[] ratio = new double[rounds];
    StringBuilder pairs = new StringBuilder();
    for (int r = 0; r < rounds; r++) {
      baseline[r] = results.get(2 * r).perSecond();
      assume[r] = results.get(2 * r + 1).perSecond();
      ratio[r] = assume[r] / baseline[r];
      pairs.append(String.format("%s%.2f", r == 0 ? "" : " / ", ratio[r]));
    }
    double a = ClosedLoop.median(assume);
    System.out.printf("RESULT AssumeRole %.0f req/s vs GetCallerIdentity baseline %.0f req/s (medians of %d rounds):"
            + " ratio %.2f (per round %s); %d connections%n",
        a, ClosedLoop.median(baseline), rounds, ClosedLoop.median(ratio), pairs, connections);
    System.out.printf("RESULT target >= %.0f AssumeRole/s end to end in process: %s%n", TARGET, a >= TARGET ? "met" : "NOT MET");
    if (failed) {
      System.out.println("FAILED: some answers were wrong (see above)");
      System.exit(1);
    }
    System.exit(0);
  }

  private static boolean report(ClosedLoop.Result r) {
    System.out.println(r.line() + "  | " + ClosedLoop.resources());
    r.failureSamples().forEach(f -> System.out.println("  WRONG ANSWER " + f));
    return r.failed() > 0;
  }

  private static ClosedLoop.Exchange assumeRole(String host, int port, int connections) {
    LoopbackHttp.Signer[] signers = signers(connections);
    String hostHeader = host + ":" + port;
    return (connection, worker, sequence) -> {
      String form = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + ROLE_ARN.replace(":", "%3A").replace("/", "%2F")
          + "&RoleSessionName=bench-" + worker + "-" + sequence + "&DurationSeconds=900";
      LoopbackHttp.Response r = connection.exchange(post(signers[worker], hostHeader, form));
      String body = r.text();
      return r.status() == 200 && body.contains("<AccessKeyId>ASIA") && body.contains("<SessionToken>")
          ? null : r.describe();
    };
  }

  private static ClosedLoop.Exchange whoAmI(String host, int port, int connections) {
    LoopbackHttp.Signer[] signers = signers(connections);
    String hostHeader = host + ":" + port;
    return (connection, worker, sequence) -> {
      LoopbackHttp.Response r =
          connection.exchange(post(signers[worker], hostHeader, "Action=GetCallerIdentity&Version=2011-06-15"));
      return r.status() == 200 && r.text().contains("<Arn>arn:aws:iam::123456789012:user/alice</Arn>") ? null : r.describe();
    };
  }

  private static LoopbackHttp.Signer[] signers(int connections) {
    LoopbackHttp.Signer[] signers = new LoopbackHttp.Signer[connections];
    for (int i = 0; i < connections; i++) {
      signers[i] = new LoopbackHttp.Signer(KEY, SECRET, "us-east-1", "sts");
    }
    return signers;
  }

  /** A form POST as the AWS CLI sends it: the body's hash is signed but not sent as a header. */
  private static byte[] post(LoopbackHttp.Signer signer, String hostHeader, String form) {
    byte[] body = form.getBytes(StandardCharsets.UTF_8);
    return signer.request("POST", "/", "", hostHeader,
        List.of(new SignedRequest.Header("content-type", "application/x-www-form-urlencoded; charset=utf-8")),
        body, body.length, LoopbackHttp.sha256Hex(body), false);
  }
}
