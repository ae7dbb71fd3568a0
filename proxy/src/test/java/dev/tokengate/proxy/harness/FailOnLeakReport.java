package dev.tokengate.proxy.harness;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class of this module (JUnit's extension auto-detection, {@code
 * META-INF/services}): after a class has run, brings out Netty's pending leak reports (GC, then
 * allocations, which is when the paranoid detector looks) and fails the class if there is any. A
 * report is printed whole; it may name a buffer an earlier class lost, since a leak is seen only
 * once its buffer has been collected.
 */
public final class FailOnLeakReport implements AfterAllCallback {
  private static final int ROUNDS = 2;

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    List<String> reports = collect();
    if (!reports.isEmpty()) {
      throw new AssertionError(reports.size() + " Netty leak report(s) by the end of "
          + (context == null ? "the check" : context.getDisplayName()) + ":\n" + String.join("\n\n", reports));
    }
  }

  /** Provokes the detector, then returns (and forgets) every report so far. */
  static List<String> collect() throws InterruptedException {
    LeakWatch.provokeReports(ROUNDS, 20);
    return LeakReports.drain();
  }
}
