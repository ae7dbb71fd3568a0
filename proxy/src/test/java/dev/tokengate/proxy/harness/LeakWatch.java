package dev.tokengate.proxy.harness;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      probe.release();
      ByteBuf heapProbe = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
      heapProbe.release();
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(true);
    appender.stop();
  }
}
