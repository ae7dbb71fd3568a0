package dev.tokengate.benchmarks.proxy;

import dev.tokengate.sigv4.SignedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A long mixed workload with session tokens against the shipped proxy jar, run as its own process
 * (with its embedded S3Proxy backend) so its memory, threads and descriptors are its own. Every
 * minute it prints the minute's requests and failures and the proxy's RSS, threads, open file
 * descriptors and Netty leak reports (the proxy runs with {@code
 * -Dio.netty.leakDetection.level=paranoid}); at the end, the verdict: 0 failures, no leak report,
 * RSS within ±5 % of its value after the warm-up minutes.
 *
 * <p>Each worker (one keep-alive connection) holds two sessions, renewed every 400 requests: one
 * from GetSessionToken (alice, full S3 access) and one from AssumeRole (a read-only role). It
 * cycles through PUT (signed payload, 1–64 KiB of random bytes), GET (every byte compared), HEAD,
 * ListObjectsV2, a GET with the read-only session, a PUT with it (must be 403 AccessDenied), a GET
 * of a missing key (404 NoSuchKey), a request with a wrong signature (403 SignatureDoesNotMatch)
 * and DELETE (204). Any other answer is a failure.
 *
 * <p>The proxy's heap is fixed ({@code -Xms=-Xmx}, pre-touched), so RSS moves only with native
 * memory: direct buffers, threads, code.
 *
 * <pre>{@code
 * mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f benchmarks/pom.xml package
 * java -cp benchmarks/target/benchmarks.jar dev.tokengate.benchmarks.proxy.Soak [minutes=30] [connections=8] [warmUpMinutes=3] [jar=proxy/target/tokengate.jar]
 * }</pre>
 */
public final class Soak {
  private static final String KEY = "AKIASOAK000000000001";
  private static final String SECRET = "soak-secret-soak-secret-soak-secret-0000";
  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/reader";
  private static final String BUCKET = "soak";
  private static final int RENEW_EVERY = 400;
  private static final Pattern ENDPOINT = Pattern.compile("listening on (http://[0-9.]+:([0-9]+))");

  private Soak() {}

  /** A session's keys, thread-confined to its worker. */
  private record Session(LoopbackHttp.Signer signer, String token) {}

  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path jar = Path.of(args.length > 3 ? args[3] : "proxy/target/tokengate.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it first (see the class comment)");
    }
    Path dir = Files.createTempDirectory("tokengate-soak");
    Path config = dir.resolve("tokengate.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: alice
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
            policies:
              assume:
                Version: "2012-10-17"
                Statement:
                  - {Effect: Allow, Action: ["sts:AssumeRole"], Resource: "*"}
        roles:
          - name: reader
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            trustPolicy:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}]
        """.formatted(dir.resolve("data"), KEY, SECRET));
    Path log = dir.resolve("proxy.log");
    Process proxy = new ProcessBuilder("java", "-Dio.netty.leakDetection.level=paranoid", "-Xms192m", "-Xmx192m",
        "-XX:+AlwaysPreTouch", "-jar", jar.toString(), "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean failed = false;
    try {
      int port = awaitPort(proxy, log);
      String host = "127.0.0.1";
      String hostHeader = host + ":" + port;
      System.out.printf("proxy pid %d on %s, %d connections, %d minutes (%d of warm-up), log %s%n", proxy.pid(),
          hostHeader, connections, minutes, warmUp, log);
      try (LoopbackHttp c = new LoopbackHttp(host, port)) {
        LoopbackHttp.Signer admin = new LoopbackHttp.Signer(KEY, SECRET, "us-east-1", "s3");
        LoopbackHttp.Response r = c.exchange(admin.request("PUT", "/" + BUCKET, "", hostHeader, List.of(), null, 0,
            LoopbackHttp.EMPTY_SHA256, true));
        if (r.status() != 200) {
          throw new IllegalStateException("create bucket: " + r.describe());
        }
      }
      Workload work = new Workload(hostHeader, connections);
      long[] rss = new long[minutes];
      long totalOk = 0;
      long totalFailed = 0;
      for (int m = 0; m < minutes; m++) {
        ClosedLoop.Result minute = ClosedLoop.run("minute " + (m + 1), host, port, connections, 60, work::next);
        rss[m] = statusField(proxy.pid(), "VmRSS");
        totalOk += minute.ok();
        totalFailed += minute.failed();
        long leaks = leakReports(log);
        System.out.printf("%s | proxy RSS %d MiB, threads %d, fds %d, leak reports %d%n", minute.line(), rss[m] >> 10,
            statusField(proxy.pid(), "Threads"), fds(proxy.pid()), leaks);
        minute.failureSamples().forEach(f -> System.out.println("  WRONG ANSWER " + f));
        if (!proxy.isAlive()) {
          System.out.println("the proxy process died: see " + log);
          failed = true;
          break;
        }
      }
      long leaks = leakReports(log);
      int from = Math.max(0, Math.min(warmUp, minutes) - 1); // the sample at the end of the warm-up
      long reference = rss[from];
      long lo = Long.MAX_VALUE;
      long hi = 0;
      for (int m = from; m < minutes; m++) {
        if (rss[m] > 0) {
          lo = Math.min(lo, rss[m]);
          hi = Math.max(hi, rss[m]);
        }
      }
      double spread = 100.0 * Math.max(hi - reference, reference - lo) / reference;
      boolean flat = spread <= 5.0;
      System.out.printf("RESULT soak %d min, %d connections: %d requests ok, %d failed; leak reports %d; RSS at the"
              + " end of minute %d %d MiB, from then on %d–%d MiB (max deviation %.1f %%: %s)%n",
          minutes, connections, totalOk, totalFailed, leaks, from + 1, reference >> 10, lo >> 10, hi >> 10, spread,
          flat ? "flat within ±5 %" : "NOT flat within ±5 %");
      failed |= totalFailed > 0 || leaks > 0 || !flat;
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
      ClosedLoop.deleteTree(dir);
    }
    System.out.println(failed ? "SOAK FAILED" : "SOAK PASSED");
    System.exit(failed ? 1 : 0);
  }

  /** The requests, per worker; each worker's state is its own (ClosedLoop gives a worker one thread). */
  private static final class Workload {
    private final String hostHeader;
    private final Session[] full;
    private final Session[] reader;
    private final long[] count;
    /** Renewal is done one exchange per step: a response may close the connection (per-connection limit). */
    private final boolean[] needSession;
    private final boolean[] needReader;
    private final byte[][] lastBody;
    private final Random[] random;

    Workload(String hostHeader, int connections) {
      this.hostHeader = hostHeader;
      full = new Session[connections];
      reader = new Session[connections];
      count = new long[connections];
      needSession = new boolean[connections];
      needReader = new boolean[connections];
      java.util.Arrays.fill(needSession, true);
      lastBody = new byte[connections][];
      random = new Random[connections];
      for (int i = 0; i < connections; i++) {
        random[i] = new Random(1000 + i);
      }
    }

    String next(LoopbackHttp c, int worker, long ignored) throws IOException {
      if (needSession[worker] || needReader[worker]) {
        return renew(c, worker);
      }
      long n = count[worker]++;
      if ((n + 1) % RENEW_EVERY == 0) {
        needSession[worker] = true;
      }
      String key = "/" + BUCKET + "/w" + worker + "/k" + (n / 9 % 50);
      Session s = full[worker];
      return switch ((int) (n % 9)) {
        case 0 -> {
          byte[] body = new byte[1024 + random[worker].nextInt(63 * 1024)];
          random[worker].nextBytes(body);
          lastBody[worker] = body;
          LoopbackHttp.Response r = c.exchange(s3(s, "PUT", key, "", body), body);
          yield r.status() == 200 ? null : "PUT " + r.describe();
        }
        case 1 -> {
          byte[] expected = lastBody[worker];
          LoopbackHttp.Response r = c.exchangeExpecting(s3(s, "GET", key, "", null), expected, false);
          yield r.status() == 200 && r.bodyLength() == expected.length ? null : "GET " + r.describe();
        }
        case 2 -> {
          LoopbackHttp.Response r = c.exchangeExpecting(s3(s, "HEAD", key, "", null), null, true);
          yield r.status() == 200 && r.head().toLowerCase().contains("content-length: " + lastBody[worker].length)
              ? null : "HEAD " + r.describe();
        }
        case 3 -> {
          LoopbackHttp.Response r = c.exchange(s3(s, "GET", "/" + BUCKET, "list-type=2&prefix=w" + worker + "%2F", null));
          yield r.status() == 200 && r.text().contains("<Key>" + key.substring(BUCKET.length() + 2) + "</Key>")
              ? null : "LIST " + r.describe();
        }
        case 4 -> {
          byte[] expected = lastBody[worker];
          LoopbackHttp.Response r = c.exchangeExpecting(s3(reader[worker], "GET", key, "", null), expected, false);
          yield r.status() == 200 ? null : "GET as reader " + r.describe();
        }
        case 5 -> {
          byte[] body = "denied".getBytes(StandardCharsets.UTF_8);
          LoopbackHttp.Response r = c.exchange(s3(reader[worker], "PUT", key + "-denied", "", body), body);
          yield r.status() == 403 && r.text().contains("<Code>AccessDenied</Code>") ? null : "PUT as reader " + r.describe();
        }
        case 6 -> {
          LoopbackHttp.Response r = c.exchange(s3(s, "GET", key + "-missing", "", null));
          yield r.status() == 404 && r.text().contains("<Code>NoSuchKey</Code>") ? null : "GET missing " + r.describe();
        }
        case 7 -> {
          byte[] request = s3(s, "GET", key, "", null);
          String text = new String(request, StandardCharsets.ISO_8859_1);
          int sig = text.indexOf("Signature=") + "Signature=".length();
          request[sig] = (byte) (request[sig] == '0' ? '1' : '0'); // one hex digit off
          LoopbackHttp.Response r = c.exchange(request);
          yield r.status() == 403 && r.text().contains("<Code>SignatureDoesNotMatch</Code>")
              ? null : "bad signature " + r.describe();
        }
        default -> {
          LoopbackHttp.Response r = c.exchange(s3(s, "DELETE", key + "-missing", "", null));
          yield r.status() == 204 ? null : "DELETE " + r.describe();
        }
      };
    }

    /** One STS exchange: GetSessionToken, then (next step) AssumeRole. */
    private String renew(LoopbackHttp c, int worker) throws IOException {
      LoopbackHttp.Signer alice = new LoopbackHttp.Signer(KEY, SECRET, "us-east-1", "sts");
      if (needSession[worker]) {
        LoopbackHttp.Response r = c.exchange(post(alice, "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900"));
        Session s = session(r.text());
        if (r.status() != 200 || s == null) {
          return "GetSessionToken " + r.describe();
        }
        full[worker] = s;
        needSession[worker] = false;
        needReader[worker] = true;
        return null;
      }
      String form = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + ROLE_ARN.replace(":", "%3A").replace("/", "%2F")
          + "&RoleSessionName=soak-" + worker + "-" + count[worker] + "&DurationSeconds=900";
      LoopbackHttp.Response r = c.exchange(post(alice, form));
      Session s = session(r.text());
      if (r.status() != 200 || s == null) {
        return "AssumeRole " + r.describe();
      }
      reader[worker] = s;
      needReader[worker] = false;
      return null;
    }

    private byte[] s3(Session s, String method, String path, String query, byte[] body) {
      List<SignedRequest.Header> headers = List.of(new SignedRequest.Header("x-amz-security-token", s.token()));
      if (body == null) {
        return s.signer().request(method, path, query, hostHeader, headers, null, 0, LoopbackHttp.EMPTY_SHA256, true);
      }
      // The head only: the body goes after it (LoopbackHttp.exchange(head, body)).
      return s.signer().request(method, path, query, hostHeader, headers, null, body.length,
          LoopbackHttp.sha256Hex(body), true);
    }

    private byte[] post(LoopbackHttp.Signer signer, String form) {
      byte[] body = form.getBytes(StandardCharsets.UTF_8);
      return signer.request("POST", "/", "", hostHeader,
          List.of(new SignedRequest.Header("content-type", "application/x-www-form-urlencoded; charset=utf-8")),
          body, body.length, LoopbackHttp.sha256Hex(body), false);
    }

    private static Session session(String xml) {
      String id = element(xml, "AccessKeyId");
      String secret = element(xml, "SecretAccessKey");
      String token = element(xml, "SessionToken");
      return id == null || secret == null || token == null
          ? null : new Session(new LoopbackHttp.Signer(id, secret, "us-east-1", "s3"), token);
    }

    private static String element(String xml, String name) {
      int start = xml.indexOf("<" + name + ">");
      int end = xml.indexOf("</" + name + ">");
      return start < 0 || end < start ? null : xml.substring(start + name.length() + 2, end);
    }
  }

  private static int awaitPort(Process proxy, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!proxy.isAlive()) {
        throw new IllegalStateException("the proxy exited at start: " + Files.readString(log));
      }
      if (Files.exists(log)) {
        Matcher m = ENDPOINT.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(2));
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the proxy printed no endpoint within 90 s: " + Files.readString(log));
  }

  /** A {@code /proc/<pid>/status} field's number (VmRSS in KiB, Threads), or -1. */
  private static long statusField(long pid, String field) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Files.newInputStream(Path.of("/proc", Long.toString(pid), "status")), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long fds(long pid) {
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long leakReports(Path log) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<String> s = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      s.filter(l -> l.contains("LEAK:")).forEach(lines::add);
    }
    return lines.size();
  }
}
