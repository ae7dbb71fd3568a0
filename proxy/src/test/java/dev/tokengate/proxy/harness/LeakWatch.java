package dev.tokengate.proxy.harness;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects Netty's leak reports ({@code LEAK: ByteBuf.release() was not called …}) while open.
 * Tests run with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked; a
 * leak is only reported once its buffer has been garbage-collected and another buffer allocated,
 * which {@link #leaks()} provokes. A report may name a buffer an earlier test in the same JVM lost.
 */
public final class LeakWatch implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LeakWatch() {
    this(false);
  }

  /** @param quiet keep the reports out of the console too (for a test that leaks on purpose) */
  public LeakWatch(boolean quiet) {
    appender.start();
    logger.addAppender(appender);
    if (quiet) {
      logger.setAdditive(false);
    }
  }

  /** The leak reports so far, after a few rounds of GC and allocation to bring them out. */
  public List<String> leaks() throws InterruptedException {
    provokeReports(5, 50);
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** GC, then allocate: the paranoid detector reports collected unreleased buffers on allocation. */
  static void provokeReports(int rounds, long pauseMillis) throws InterruptedException {
    for (int i = 0; i < rounds; i++) {
      System.gc();
      Thread.sleep(pauseMillis);
      ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      direct.release();
      ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
      heap.release();
      ByteBuf unpooled = Unpooled.buffer(16);
      unpooled.release();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(true);
    appender.stop();
  }
}
