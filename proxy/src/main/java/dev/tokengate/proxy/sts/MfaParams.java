package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.identity.User;
import java.time.Instant;
import java.util.regex.Pattern;

/** The optional {@code SerialNumber} + {@code TokenCode} pair of GetSessionToken and AssumeRole. */
final class MfaParams {
  private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]*");
  private static final Pattern CODE = Pattern.compile("[\\d]*");

  private MfaParams() {}

  /**
   * Validates the pair; returns when MFA was authenticated (now) or null when none was given. A
   * code that verifies is consumed at once, even if the call then fails for another reason: a code
   * that was seen once can never be replayed (AWS's documentation does not say when a code counts
   * as used; this is the stricter reading).
   */
  static Instant check(StsRequest request, StsValidation v, User user, MfaVerifier mfa, MfaCodeLedger ledger, Instant now)
      throws StsException {
    String serial = v.string(request, "SerialNumber", 9, 256, SERIAL);
    String code = v.string(request, "TokenCode", 6, 6, CODE);
    v.check();
    if (serial == null && code == null) {
      return null;
    }
    if (serial == null || code == null) {
      throw new StsException(StsError.VALIDATION_ERROR, "SerialNumber and TokenCode must be given together.");
    }
    if (user == null || user.mfaSecret() == null || !serial.equals(user.mfaSerial())) {
      throw invalidCode();
    }
    long step = mfa.matchingStep(user.mfaSecret(), code, now);
    if (step < 0 || !ledger.consume(serial, step)) {
      throw invalidCode();
    }
    return now;
  }

  private static StsException invalidCode() {
    // AWS answers a replayed code like a wrong one.
    return new StsException(StsError.ACCESS_DENIED, "MultiFactorAuthentication failed with invalid MFA one time pass code. ");
  }
}
