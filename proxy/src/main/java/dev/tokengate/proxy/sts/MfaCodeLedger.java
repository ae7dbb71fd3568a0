package dev.tokengate.proxy.sts;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes every MFA code single-use per device, as AWS does: the last accepted TOTP time step of each
 * device is kept, and a code of that step or an earlier one is refused. An interface so that a
 * store shared by several replicas can replace the file-backed {@link FileMfaCodeLedger}.
 */
public interface MfaCodeLedger {

  /**
   * Accepts {@code step} for {@code device} (its serial ARN) if it is later than every step
   * accepted before, and records it; atomic per device.
   *
   * @return false when the code's step, or a later one, was already used
   */
  boolean consume(String device, long step);

  /** A ledger in memory only: for a single short-lived process such as a test or the simulator. */
  static MfaCodeLedger inMemory() {
    Map<String, Long> last = new ConcurrentHashMap<>();
    return (device, step) -> {
      boolean[] accepted = {false};
      last.compute(device, (d, previous) -> {
        accepted[0] = previous == null || step > previous;
        return accepted[0] ? step : previous;
      });
      return accepted[0];
    };
  }
}
