package dev.tokengate.proxy.sts;

import java.time.Instant;

/** Checks an MFA token code (TOTP) against a user's device secret. */
public interface MfaVerifier {

  /** The time step {@code code} belongs to, within the accepted clock drift; -1 if it is none of them. */
  long matchingStep(String base32Secret, String code, Instant now);

  default boolean verify(String base32Secret, String code, Instant now) {
    return matchingStep(base32Secret, code, now) >= 0;
  }
}
