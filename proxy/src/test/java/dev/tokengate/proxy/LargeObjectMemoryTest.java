package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.backend.EmbeddedBackend;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams a 1 GiB object up and down through a proxy whose JVM has a 64 MiB heap (backend in its
 * own process), checks the bytes by SHA-256, and reports the proxy's peak RSS (VmHWM). A proxy
 * that buffered bodies would fail with OutOfMemoryError long before 1 GiB.
 */
@Timeout(600)
class LargeObjectMemoryTest {
  private static final long SIZE = 1L << 30;
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void oneGibUpAndDownWith64MiBHeap() throws Exception {
    Path backendDir = Files.createDirectories(dir.resolve("backend"));
    Path proxyDir = Files.createDirectories(dir.resolve("proxy"));
    try (EmbeddedBackend backend = EmbeddedBackend.start(backendDir, Duration.ofSeconds(60))) {
      Path config = proxyDir.resolve("tokengate.yaml");
      Files.writeString(
          config,
          "listen: 127.0.0.1:0\n"
              + "dataDir: " + proxyDir.resolve("data") + "\n"
              + "backend:\n"
              + "  endpoint: " + backend.config().endpoint() + "\n"
              + "  accessKey: " + backend.config().accessKey() + "\n"
              + "  secretKey: " + backend.config().secretKey() + "\n");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process proxy =
          new ProcessBuilder(
                  java, "-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-cp", System.getProperty("java.class.path"),
                  "dev.tokengate.proxy.Main", "--config", config.toString())
              .redirectErrorStream(true)
              .start();
      try {
        Banner banner = readBanner(proxy);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, send(http, banner, "PUT", "/big", HttpRequest.BodyPublishers.noBody(), 0).statusCode());

        byte[] expected = sha256(new PatternStream(SIZE));
        long upStart = System.nanoTime();
        HttpResponse<InputStream> put =
            send(http, banner, "PUT", "/big/object.bin", HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE)), SIZE), SIZE);
        put.body().close();
        assertEquals(200, put.statusCode());
        double upSeconds = (System.nanoTime() - upStart) / 1e9;

        long downStart = System.nanoTime();
        HttpResponse<InputStream> get =
            send(http, banner, "GET", "/big/object.bin", HttpRequest.BodyPublishers.noBody(), 0);
        assertEquals(200, get.statusCode());
        byte[] actual;
        try (InputStream in = get.body()) {
          actual = sha256(in);
        }
        double downSeconds = (System.nanoTime() - downStart) / 1e9;
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));

        long peakKib = peakRssKib(proxy.pid());
        System.out.printf(
            "MEMORY proxy -Xmx64m: 1 GiB up %.1f s (%.0f MiB/s), down %.1f s (%.0f MiB/s), proxy peak RSS %d MiB%n",
            upSeconds, 1024 / upSeconds, downSeconds, 1024 / downSeconds, peakKib / 1024);
        assertTrue(proxy.isAlive(), "the proxy must survive streaming 1 GiB with a 64 MiB heap");
      } finally {
        proxy.destroy();
        if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
          proxy.destroyForcibly();
        }
      }
    }
  }

  private record Banner(String endpoint, String accessKey, String secretKey) {}

  private static Banner readBanner(Process proxy) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
    String endpoint = null;
    String accessKey = null;
    String secretKey = null;
    Pattern line = Pattern.compile(".*(listening on|admin access key:|admin secret key:)\\s*(\\S+).*");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String l;
    while ((endpoint == null || accessKey == null || secretKey == null) && System.nanoTime() < deadline
        && (l = out.readLine()) != null) {
      Matcher m = line.matcher(l);
      if (m.matches()) {
        switch (m.group(1)) {
          case "listening on" -> endpoint = m.group(2);
          case "admin access key:" -> accessKey = m.group(2);
          default -> secretKey = m.group(2);
        }
      }
    }
    assertNotNull(secretKey, "the proxy must print its endpoint and admin keys");
    // Keep draining the proxy's output so it never blocks on a full pipe.
    Thread drain = new Thread(() -> out.lines().forEach(s -> {}), "proxy-output");
    drain.setDaemon(true);
    drain.start();
    return new Banner(endpoint, accessKey, secretKey);
  }

  private static HttpResponse<InputStream> send(
      HttpClient http, Banner banner, String method, String path, HttpRequest.BodyPublisher body, long length)
      throws IOException, InterruptedException {
    URI uri = URI.create(banner.endpoint() + path);
    String amzDate = AMZ_DATE.format(Instant.now());
    String hash = "UNSIGNED-PAYLOAD";
    List<SignedRequest.Header> headers =
        List.of(
            new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()),
            new SignedRequest.Header("x-amz-content-sha256", hash),
            new SignedRequest.Header("x-amz-date", amzDate));
    String authorization =
        new RequestSigner(new SigningKeyCache(4))
            .authorization(new SignedRequest(method, path, "", headers), banner.accessKey(), banner.secretKey(),
                "us-east-1", "s3", amzDate, hash);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .method(method, body)
            .header("Authorization", authorization)
            .header("x-amz-content-sha256", hash)
            .header("x-amz-date", amzDate)
            .timeout(Duration.ofMinutes(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  private static byte[] sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      digest.update(buffer, 0, n);
    }
    return digest.digest();
  }

  private static long peakRssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmHWM in /proc/" + pid + "/status");
  }

  /** A deterministic, non-repeating-looking byte stream of a given length, generated on the fly. */
  private static final class PatternStream extends InputStream {
    private long remaining;
    private long state = 0x9E3779B97F4A7C15L;

    PatternStream(long length) {
      this.remaining = length;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        b[off + i] = (byte) state;
      }
      remaining -= n;
      return n;
    }
  }
}
