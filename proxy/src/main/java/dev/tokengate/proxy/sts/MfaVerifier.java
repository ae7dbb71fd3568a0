package dev.tokengate.proxy.sts;

import java.time.Instant;

/** Checks an MFA token code (TOTP) against a user's device secret. */
public interface MfaVerifier {
  boolean verify(String base32Secret, String code, Instant now);
}
