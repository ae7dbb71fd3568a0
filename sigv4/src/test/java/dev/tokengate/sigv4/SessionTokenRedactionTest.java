package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** SignatureDoesNotMatch details echo what was signed, but never the session token itself. */
class SessionTokenRedactionTest {

  @Test
  void tokenHeaderLineAndPresignParameterAreRedacted() {
    String canonical = "GET\n/b/k\nX-Amz-Credential=AKIA%2F&X-Amz-Security-Token=SECRETTOKEN&x-id=GetObject\n"
        + "host:h\nx-amz-security-token:SECRETTOKEN\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD";
    AuthenticationException e = SignatureVerifier.mismatch("ASIAX", "AWS4-HMAC-SHA256\nx-amz-security-token:SECRETTOKEN",
        "f00", canonical);
    Map<String, String> details = e.details();
    for (String value : details.values()) {
      assertFalse(value.contains("SECRETTOKEN"), value);
      assertFalse(value.contains(StringToSign.spacedHex("SECRETTOKEN")), value);
    }
    assertEquals("GET\n/b/k\nX-Amz-Credential=AKIA%2F&X-Amz-Security-Token=[redacted]&x-id=GetObject\n"
        + "host:h\nx-amz-security-token:[redacted]\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD",
        details.get("CanonicalRequest"));
    assertEquals("f00", details.get("SignatureProvided"));
  }
}
