package dev.tokengate.proxy.harness;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A logback appender (on the root logger in {@code logback-test.xml}) that keeps every Netty leak
 * report of the test JVM, for {@link FailOnLeakReport}. A test that leaks on purpose hides its
 * report with a quiet {@link LeakWatch}, which stops the report reaching the root logger.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {
  private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message != null && message.contains("LEAK:")) {
      REPORTS.add(message);
    }
  }

  /** The reports since the last call. */
  static List<String> drain() {
    List<String> out = new ArrayList<>();
    for (String r; (r = REPORTS.poll()) != null; ) {
      out.add(r);
    }
    return out;
  }
}
