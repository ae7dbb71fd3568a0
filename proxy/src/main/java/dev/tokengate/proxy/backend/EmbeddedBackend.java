package dev.tokengate.proxy.backend;

import dev.tokengate.proxy.config.BackendConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default backend: S3Proxy with its filesystem store under {@code <dataDir>/objects}, run as a
 * child JVM that this object owns and stops. A child rather than in-process so its memory, threads
 * and logging stay out of the proxy's JVM (the proxy runs happily with a 64 MiB heap).
 */
public final class EmbeddedBackend implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackend.class);
  private static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

  private final Process process;
  private final BackendConfig config;

  private EmbeddedBackend(Process process, BackendConfig config) {
    this.process = process;
    this.config = config;
  }

  /** Starts S3Proxy on a free loopback port and waits until it accepts connections. */
  public static EmbeddedBackend start(Path dataDir, Duration timeout) throws IOException {
    Path objects = dataDir.toAbsolutePath().normalize().resolve("objects");
    Files.createDirectories(objects);
    int port = freePort();
    SecureRandom random = new SecureRandom();
    String identity = "backend-" + HexFormat.of().formatHex(random.generateSeed(6));
    String credential = HexFormat.of().formatHex(random.generateSeed(20));
    Properties props = new Properties();
    props.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    props.setProperty("s3proxy.identity", identity);
    props.setProperty("s3proxy.credential", credential);
    // The proxy forwards every S3 header a client sends; S3Proxy must not refuse the ones it ignores.
    props.setProperty("s3proxy.ignore-unknown-headers", "true");
    props.setProperty("jclouds.provider", "filesystem");
    props.setProperty("jclouds.filesystem.basedir", objects.toAbsolutePath().toString());
    props.setProperty("jclouds.identity", "unused");
    props.setProperty("jclouds.credential", "unused");
    Path propsFile = dataDir.resolve("backend.properties");
    try (var out = Files.newOutputStream(propsFile)) {
      props.store(out, "embedded S3Proxy backend, written by tokengate at each start");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xms32m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dlogback.configurationFile=" + logbackConfig(dataDir),
            "-cp",
            System.getProperty("java.class.path"),
            MAIN_CLASS,
            "--properties",
            propsFile.toAbsolutePath().toString());
    Path log = dataDir.resolve("backend.log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    EmbeddedBackend backend =
        new EmbeddedBackend(
            process, new BackendConfig("http://127.0.0.1:" + port, identity, credential, "us-east-1"));
    try {
      backend.awaitPort(port, timeout, log);
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
    LOG.info("embedded S3Proxy backend on 127.0.0.1:{} (pid {}, log {})", port, process.pid(), log);
    return backend;
  }

  private void awaitPort(int port, Duration timeout, Path log) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("embedded S3Proxy exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IOException("embedded S3Proxy did not listen on port " + port + " within " + timeout + "; see " + log);
  }

  private static Path logbackConfig(Path dataDir) throws IOException {
    Path file = dataDir.resolve("backend-logback.xml");
    Files.writeString(
        file,
        "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<encoder><pattern>%d %-5level %logger{20} %msg%n</pattern></encoder></appender>"
            + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root></configuration>\n");
    return file.toAbsolutePath();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the embedded backend", e);
    }
  }

  public BackendConfig config() {
    return config;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
