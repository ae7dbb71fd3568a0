package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.SocketExchange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a running {@code tokengate} process (as {@code docker stop} and Kubernetes send it):
 * the listener closes at once, an upload in flight finishes and is stored whole, then the process
 * exits 0; one that outlasts {@code limits.shutdownGraceSeconds} is cut and the process still
 * exits 0 in bounded time.
 */
@Timeout(180)
class GracefulShutdownTest {
  private static final Pattern ENDPOINT = Pattern.compile("listening on (http://[0-9.]+:\\d+)");
  private static final Pattern KEY = Pattern.compile("admin access key:\\s+(\\S+)");
  private static final Pattern SECRET = Pattern.compile("admin secret key:\\s+(\\S+)");

  @TempDir Path dir;

  /** The proxy as its own process (this JVM's class path), on the embedded backend. */
  private record Running(Process process, String endpoint, Credentials admin, Path log) {}

  private Running start(int graceSeconds) throws Exception {
    Path config = Files.writeString(dir.resolve("c.yaml"), """
        listen: 127.0.0.1:0
        dataDir: %s
        limits: {shutdownGraceSeconds: %d}
        """.formatted(dir.resolve("data"), graceSeconds));
    Path log = dir.resolve("proxy.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "dev.tokengate.proxy.Main", "--config", config.toString())
        .redirectErrorStream(true).start();
    StringBuilder banner = new StringBuilder();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String endpoint = null;
    String key = null;
    String secret = null;
    while (secret == null && System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        throw new AssertionError("the proxy exited before it listened:\n" + banner);
      }
      banner.append(line).append('\n');
      endpoint = find(ENDPOINT, line, endpoint);
      key = find(KEY, line, key);
      secret = find(SECRET, line, secret);
    }
    assertTrue(endpoint != null && key != null && secret != null, "no banner:\n" + banner);
    // Keep draining its output so the process never blocks on a full pipe.
    Thread drainer = new Thread(() -> {
      try (var lines = out; var file = Files.newBufferedWriter(log)) {
        String line;
        while ((line = lines.readLine()) != null) {
          file.write(line);
          file.newLine();
          file.flush();
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "proxy-output");
    drainer.setDaemon(true);
    drainer.start();
    return new Running(p, endpoint, Credentials.of(key, secret), log);
  }

  private static String find(Pattern p, String line, String current) {
    Matcher m = p.matcher(line);
    return m.find() ? m.group(1) : current;
  }

  private static boolean accepts(String endpoint) {
    URI uri = URI.create(endpoint);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  @Test
  void anUploadInFlightFinishesThenTheProcessExitsZero() throws Exception {
    Running proxy = start(30);
    try {
      SocketExchange made = SocketExchange.send(proxy.endpoint(), proxy.admin(), "PUT", "/drain", new byte[0],
          Duration.ZERO, Duration.ofSeconds(30));
      assertEquals(200, made.status(), made.head());
      byte[] data = new byte[16 * 1024 * 1024];
      new Random(7).nextBytes(data);
      long[] signalledAt = new long[1];
      boolean[] acceptedDuringDrain = new boolean[1];
      SocketExchange upload;
      try (SocketExchange.Connection c = new SocketExchange.Connection(proxy.endpoint(), proxy.admin(),
          Duration.ofSeconds(60))) {
        upload = c.send("PUT", "/drain/big.bin", data, 1024 * 1024, () -> {
          proxy.process().toHandle().destroy(); // SIGTERM (Process.destroy would also close its output)
          signalledAt[0] = System.nanoTime();
          Thread.sleep(1500); // the rest of the body comes late, during the drain
          acceptedDuringDrain[0] = accepts(proxy.endpoint());
        }, () -> { });
      }
      assertEquals(200, upload.status(), upload.head() + upload.bodyUtf8());
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
      assertEquals("\"" + md5 + "\"", upload.header("ETag"), "the backend stored every byte");
      assertTrue(upload.header("Connection") != null && upload.header("Connection").equalsIgnoreCase("close"),
          upload.head());
      assertTrue(!acceptedDuringDrain[0], "the listener closed on SIGTERM");
      assertTrue(proxy.process().waitFor(40, TimeUnit.SECONDS), "exited within the grace");
      assertEquals(0, proxy.process().exitValue(), Files.exists(proxy.log()) ? Files.readString(proxy.log()) : "");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalledAt[0]);
      assertTrue(tookMs < 30_000, "exited " + tookMs + " ms after SIGTERM");
    } finally {
      proxy.process().destroyForcibly();
    }
  }

  @Test
  void anUploadThatOutlastsTheGraceIsCutAndTheProcessStillExitsZero() throws Exception {
    Running proxy = start(1);
    try {
      assertEquals(200, SocketExchange.send(proxy.endpoint(), proxy.admin(), "PUT", "/slow", new byte[0],
          Duration.ZERO, Duration.ofSeconds(30)).status());
      byte[] data = new byte[4 * 1024 * 1024];
      try (SocketExchange.Connection c = new SocketExchange.Connection(proxy.endpoint(), proxy.admin(),
          Duration.ofSeconds(60))) {
        SocketExchange cut = c.send("PUT", "/slow/never.bin", data, 1024, () -> {
          proxy.process().toHandle().destroy();
          assertTrue(proxy.process().waitFor(20, TimeUnit.SECONDS), "exited though the upload stalled");
        }, () -> { });
        assertTrue(cut.status() == -1 || cut.status() >= 500 || cut.closed(), cut.head());
      }
      assertEquals(0, proxy.process().exitValue());
      String log = logOf(proxy);
      assertTrue(log.contains("connection(s) still busy after the 1 s shutdown grace: cut"), log);
      assertThrows(IOException.class, () -> {
        try (Socket s = new Socket()) {
          URI uri = URI.create(proxy.endpoint());
          s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
        }
      });
    } finally {
      proxy.process().destroyForcibly();
    }
  }

  /** The process's output once it has ended (the copying thread may still be at its last lines). */
  private static String logOf(Running proxy) throws Exception {
    String log = "";
    for (int i = 0; i < 50; i++) {
      log = Files.exists(proxy.log()) ? Files.readString(proxy.log()) : "";
      if (log.contains("shutdown grace")) {
        break;
      }
      Thread.sleep(100);
    }
    return log;
  }
}
