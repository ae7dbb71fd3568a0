package dev.tokengate.proxy.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (Debian's {@code etcd-server}) on loopback ports of its own, its data in a directory
 * of the test's; {@link #stop} and {@link #start} again on the same ports and data (an outage).
 * Missing etcd fails the test: the test script installs it.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Path ETCD = Path.of("/usr/bin/etcd");

  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  private EtcdServer(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.clientPort = freePort();
    this.peerPort = freePort();
  }

  public static EtcdServer start(Path dataDir) throws IOException, InterruptedException {
    if (!Files.isExecutable(ETCD)) {
      throw new IllegalStateException(ETCD + " is missing: apt-get install etcd-server (scripts/test.sh does)");
    }
    EtcdServer etcd = new EtcdServer(dataDir);
    etcd.start();
    return etcd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** Starts (again) on the same ports and data; waits until the client port answers (≤ 20 s). */
  public synchronized void start() throws IOException, InterruptedException {
    String client = endpoint();
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of(ETCD.toString(), "--name", "test", "--data-dir", dataDir.toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "test=" + peer,
        "--initial-cluster-state", "new", "--log-level", "error"))
        .redirectErrorStream(true).redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited with " + process.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
        Thread.sleep(300); // the port opens just before etcd serves
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    stop();
    throw new IllegalStateException("etcd did not open " + client + " within 20 s");
  }

  /** Stops etcd (data kept), waiting at most 10 s. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
