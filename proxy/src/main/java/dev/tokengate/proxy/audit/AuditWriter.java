package dev.tokengate.proxy.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit lines off the event loops: callers only offer a line to a bounded queue (never
 * blocking; a full queue drops the line and counts it), one thread of its own writes them to
 * stdout or to a file rotated by size ({@code FILE.1} … {@code FILE.N}).
 */
final class AuditWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final String STOP = new String("stop");

  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(16_384);
  private final AtomicLong dropped = new AtomicLong();
  private final Path file;
  private final long maxFileBytes;
  private final int keepFiles;
  private final Thread thread;
  private Writer out;
  private long written;

  /** @param file null for stdout */
  AuditWriter(Path file, long maxFileBytes, int keepFiles) throws IOException {
    this.file = file;
    this.maxFileBytes = maxFileBytes;
    this.keepFiles = keepFiles;
    open();
    this.thread = new Thread(this::run, "tokengate-audit");
    thread.setDaemon(true);
    thread.start();
  }

  void offer(String line) {
    if (!queue.offer(line)) {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) { // 1, 2, 4, 8 …: a trace in the log without flooding it
        LOG.warn("audit queue full: {} audit record(s) dropped so far", n);
      }
    }
  }

  long dropped() {
    return dropped.get();
  }

  private void open() throws IOException {
    if (file == null) {
      out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      return;
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    written = Files.exists(file) ? Files.size(file) : 0;
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    try {
      while (true) {
        String first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 1023);
        boolean stop = false;
        for (String line : batch) {
          if (line == STOP) {
            stop = true;
            continue;
          }
          write(line);
        }
        batch.clear();
        out.flush();
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("cannot write the audit log: {}", e.toString());
    }
  }

  private void write(String line) throws IOException {
    if (file != null && maxFileBytes > 0 && written + line.length() + 1 > maxFileBytes && written > 0) {
      rotate();
    }
    out.write(line);
    out.write('\n');
    written += line.length() + 1;
  }

  private void rotate() throws IOException {
    out.close();
    for (int i = keepFiles - 1; i >= 1; i--) {
      Path older = Path.of(file + "." + i);
      if (Files.exists(older)) {
        Files.move(older, Path.of(file + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (keepFiles > 0) {
      Files.move(file, Path.of(file + ".1"), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    written = 0;
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    try {
      queue.put(STOP);
      thread.join(5000);
      if (file != null) {
        out.close();
      } else {
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("cannot close the audit log: {}", e.toString());
    }
  }
}
