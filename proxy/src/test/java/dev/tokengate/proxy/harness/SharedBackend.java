package dev.tokengate.proxy.harness;

import dev.tokengate.proxy.backend.EmbeddedBackend;
import dev.tokengate.proxy.config.BackendConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One S3Proxy child for the whole test JVM, started on first use and stopped when JUnit closes its
 * root context (or, failing that, when the JVM exits): starting one per proxy costs seconds each.
 * Every proxy the harness starts on it begins with an empty store ({@link #wipe}).
 */
final class SharedBackend implements ExtensionContext.Store.CloseableResource {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBackend.class);

  private final Path dir;
  private final EmbeddedBackend backend;
  private final Thread onExit;
  private boolean inUse;

  private SharedBackend(Path dir, EmbeddedBackend backend) {
    this.dir = dir;
    this.backend = backend;
    this.onExit = new Thread(backend::close, "shared-s3proxy-stop");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /** The JVM's shared backend, started now if this is the first test to ask. */
  static SharedBackend in(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedBackend.class, k -> start(), SharedBackend.class);
  }

  private static SharedBackend start() {
    try {
      Path dir = Files.createTempDirectory("tokengate-shared-backend-");
      return new SharedBackend(dir, EmbeddedBackend.start(dir, Duration.ofSeconds(60)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the shared S3Proxy backend", e);
    }
  }

  /**
   * Claims the store for one proxy, emptied. One at a time: a second proxy would wipe the first
   * one's objects, so it is refused with the way out.
   */
  synchronized void acquire() throws IOException {
    if (inUse) {
      throw new IllegalStateException("the shared backend already serves another TokengateExtension; "
          + "give the second one embeddedBackend() (or make one of them per-test)");
    }
    wipe();
    inUse = true;
  }

  synchronized void release() {
    inUse = false;
  }

  BackendConfig config() {
    return backend.config();
  }

  /**
   * Empties the store: every bucket with its objects and uploads. The harness owns this directory
   * and no proxy is running on it when this is called, so deleting the files is the whole job.
   */
  private void wipe() throws IOException {
    Path objects = dir.resolve("objects");
    try (Stream<Path> buckets = Files.list(objects)) {
      for (Path bucket : buckets.toList()) {
        deleteTree(bucket);
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public void close() throws IOException {
    backend.close();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // The JVM is already shutting down; the hook has run or will run, and close is idempotent.
    }
    deleteTree(dir);
  }
}
