package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.LeakWatch;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.SocketExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend whose listen queue is full never completes a TCP handshake (Linux drops the SYN): the
 * proxy gives up after {@code backendTimeouts.connectSeconds} and answers 503.
 */
@Timeout(60)
class BackendConnectTimeoutTest {
  @TempDir Path dir;

  @Test
  void aConnectThatNeverCompletesIs503AfterTheConnectTimeout() throws Exception {
    List<Socket> queued = new ArrayList<>();
    try (ServerSocket never = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); LeakWatch leaks = new LeakWatch()) {
      fillListenQueue(never, queued);
      Path config = dir.resolve("c.yaml");
      Files.writeString(config, """
          listen: 127.0.0.1:0
          dataDir: %s
          backend: {endpoint: "http://127.0.0.1:%d", accessKey: BACKENDAKID000000001, secretKey: backend-secret-backend-secret-00}
          backendTimeouts: {connectSeconds: 1}
          """.formatted(dir.resolve("d"), never.getLocalPort()));
      try (ProxyServer server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
        SocketExchange r = SocketExchange.send(server.endpoint(),
            Credentials.of(server.admin().accessKeyId(), server.admin().secretAccessKey()), "GET", "/bkt/k", new byte[0],
            Duration.ZERO, Duration.ofSeconds(30));
        assertEquals(503, r.status(), r.head());
        assertEquals("ServiceUnavailable", RawS3Client.element(r.bodyUtf8(), "Code"));
        assertEquals("1", r.header("Retry-After"));
        assertTrue(r.millis() >= 950 && r.millis() <= 5000, "answered after " + r.millis() + " ms (connect timeout 1 s)");
      }
      assertEquals(List.of(), leaks.leaks());
    } finally {
      for (Socket s : queued) {
        s.close();
      }
    }
  }

  /** Connects until a handshake no longer completes: the queue (backlog + 1 on Linux) is full. */
  private static void fillListenQueue(ServerSocket server, List<Socket> queued) throws IOException {
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
        queued.add(s);
      } catch (java.net.SocketTimeoutException full) {
        s.close();
        return;
      }
    }
    throw new IllegalStateException("the listen queue never filled; cannot stage a connect that hangs");
  }
}
