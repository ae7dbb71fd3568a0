package dev.tokengate.proxy.harness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watch the fault tests rely on does see a leak (tests run with paranoid leak detection). */
class LeakWatchTest {

  @Test
  void aBufferNeverReleasedIsReported() throws Exception {
    try (LeakWatch watch = new LeakWatch(true)) {
      leakOne();
      List<String> leaks = watch.leaks();
      assertFalse(leaks.isEmpty(), "no report for a buffer dropped unreleased");
      assertTrue(leaks.get(0).contains("LEAK"), leaks.get(0));
    }
  }

  private static void leakOne() {
    ByteBuf lost = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    lost.writeLong(42); // dropped without release()
  }
}
