package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow and abandoning clients, with short timeouts configured: a head trickled a byte a second
 * (slowloris) is cut off at the header timeout, a body that stops is cut off at the body idle
 * timeout, a client gone mid-upload leaves nothing stored, and thousands of idle connections do
 * not keep a normal client from being served. Times are bounded with a wide margin, never measured.
 */
@Timeout(120)
class SlowClientsTest {
  private static final int HEADER_TIMEOUT_SECONDS = 2;
  private static final int BODY_IDLE_SECONDS = 2;
  /** A slow shared machine: the cut may come this much after the timeout, never before it. */
  private static final long MARGIN_MILLIS = 4_000;

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      limits:
        headerTimeoutSeconds: %d
        bodyIdleTimeoutSeconds: %d
      """.formatted(HEADER_TIMEOUT_SECONDS, BODY_IDLE_SECONDS));

  @BeforeAll
  static void bucket() throws Exception {
    assertEquals(200, proxy.adminClient().put("/slow", "").statusCode());
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** Everything the server sends until it closes the connection (or the socket timeout). */
  private static String readToClose(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        response.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException closedOrStuck) {
      // A reset after the response is a close too; the assertions judge what arrived.
    }
    return response.toString(StandardCharsets.UTF_8);
  }

  /** The path and query of a presigned PUT (UNSIGNED-PAYLOAD, so the body can be sent raw). */
  private static String presignedPut(String key) {
    URI url = URI.create(proxy.adminClient().presign("PUT", "/slow/" + key, 600));
    return url.getRawPath() + "?" + url.getRawQuery();
  }

  @Test
  void slowlorisHeadIsCutOffAtTheHeaderTimeout() throws Exception {
    byte[] head = ("GET /slow/ HTTP/1.1\r\nHost: " + proxy.hostPort() + "\r\nX-Padding: "
        + "a".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = connect()) {
      long start = System.nanoTime();
      Thread trickler = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          for (byte b : head) {
            out.write(b);
            out.flush();
            Thread.sleep(1000);
          }
        } catch (IOException | InterruptedException closed) {
          // The server cut the connection: what this test waits for.
        }
      });
      trickler.setDaemon(true);
      trickler.start();
      String response = readToClose(socket);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      trickler.interrupt();
      assertTrue(response.startsWith("HTTP/1.1 408 "), response);
      assertTrue(response.contains("<Code>RequestTimeout</Code>"), response);
      assertTrue(response.toLowerCase().contains("connection: close"), response);
      assertTrue(elapsedMillis >= HEADER_TIMEOUT_SECONDS * 1000L - 100, "cut before the timeout: " + elapsedMillis);
      assertTrue(elapsedMillis <= HEADER_TIMEOUT_SECONDS * 1000L + MARGIN_MILLIS, "cut too late: " + elapsedMillis);
    }
  }

  @Test
  void stalledBodyIsRequestTimeoutAndNothingIsStored() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT " + presignedPut("stalled.bin") + " HTTP/1.1\r\nHost: " + proxy.hostPort()
          + "\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      String response = readToClose(socket);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(response.startsWith("HTTP/1.1 400 "), response);
      assertTrue(response.contains("<Code>RequestTimeout</Code>"), response);
      assertTrue(response.contains("not read from or written to within the timeout period"), response);
      assertTrue(elapsedMillis >= BODY_IDLE_SECONDS * 1000L - 100, "cut before the timeout: " + elapsedMillis);
      assertTrue(elapsedMillis <= BODY_IDLE_SECONDS * 1000L + MARGIN_MILLIS, "cut too late: " + elapsedMillis);
    }
    assertFalse(proxy.backend().exists("slow", "stalled.bin"), "a stalled upload must not be committed");
  }

  @Test
  void slowButSteadyBodyIsNotCutOff() throws Exception {
    String key = "steady.bin";
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT " + presignedPut(key) + " HTTP/1.1\r\nHost: " + proxy.hostPort()
          + "\r\nContent-Length: 4\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 4; i++) {
        // Slower in total than the body idle timeout, but never idle that long.
        Thread.sleep(BODY_IDLE_SECONDS * 1000L / 2);
        out.write('a' + i);
        out.flush();
      }
      String response = readToClose(socket);
      assertTrue(response.startsWith("HTTP/1.1 200 "), response);
    }
    assertEquals("abcd", new String(proxy.backend().read("slow", key).orElseThrow(), StandardCharsets.US_ASCII));
  }

  @Test
  void clientGoneMidUploadLeavesNothingStored() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT " + presignedPut("abandoned.bin") + " HTTP/1.1\r\nHost: " + proxy.hostPort()
          + "\r\nContent-Length: 1000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[300_000]);
      out.flush();
      // Long enough for the proxy to have opened the backend request and streamed bytes into it.
      Thread.sleep(500);
    }
    // The backend has no way to tell a short body from a slow one but its connection closing:
    // give the abort time to reach it, then require that nothing was committed.
    Thread.sleep(1000);
    assertFalse(proxy.backend().exists("slow", "abandoned.bin"), "a partial upload must not be committed");
    assertEquals(404, proxy.adminClient().head("/slow/abandoned.bin").statusCode());
  }

  @Test
  void twoThousandIdleConnectionsDoNotStopANormalClient() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 2000; i++) {
        idle.add(connect());
      }
      // Half of them have started a request head and stalled: those are cut at the header
      // timeout; the others wait on keep-alive. Neither kind may hold up anyone else.
      for (int i = 0; i < idle.size(); i += 2) {
        idle.get(i).getOutputStream().write("GET /slow/ HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      assertEquals(200, proxy.adminClient().put("/slow/served.txt", "served").statusCode());
      assertEquals("served", proxy.adminClient().get("/slow/served.txt").body());
      assertEquals(200, proxy.adminClient().send("GET", "/slow/", new byte[0], Map.of()).statusCode());
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  /** Established TCP connections to {@code port} (this host's table, IPv4 and IPv6). */
  private static long connectionsTo(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    long n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      java.nio.file.Path path = java.nio.file.Path.of(table);
      if (!java.nio.file.Files.exists(path)) {
        continue;
      }
      for (String line : java.nio.file.Files.readAllLines(path)) {
        String[] f = line.trim().split("\\s+");
        // f[2] is the remote address:port, f[3] the state; 01 = ESTABLISHED.
        if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("01")) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void clientGoneMidDownloadReleasesTheBackendConnection() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/tcp")));
    byte[] big = new byte[8 * 1024 * 1024];
    assertEquals(200, proxy.adminClient().put("/slow/big.bin", big).statusCode());
    int backendPort = URI.create(proxy.backendConfig().endpoint()).getPort();
    long before = connectionsTo(backendPort);
    URI url = URI.create(proxy.adminClient().presign("GET", "/slow/big.bin", 600));
    int abandoned = 20;
    for (int i = 0; i < abandoned; i++) {
      try (Socket socket = connect()) {
        socket.getOutputStream().write(("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: "
            + proxy.hostPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] some = socket.getInputStream().readNBytes(64 * 1024);
        assertTrue(new String(some, 0, 12, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
      }
    }
    // Each abandoned download held a backend connection mid-response; every one must be closed.
    long after = Long.MAX_VALUE;
    for (int attempt = 0; attempt < 50 && after > before + 2; attempt++) {
      Thread.sleep(100);
      after = connectionsTo(backendPort);
    }
    assertTrue(after <= before + 2, "backend connections before " + before + ", after " + abandoned
        + " abandoned downloads " + after);
    assertEquals(200, proxy.adminClient().head("/slow/big.bin").statusCode(), "the proxy still serves");
  }
}
