package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PostPolicySignatureTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String POLICY = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiIH0=";
  private static final CredentialScope SCOPE = new CredentialScope("20151229", "us-east-1", "s3");

  @Test
  void v2IsBase64HmacSha1OfThePolicyField() throws Exception {
    // Independent computation with the JDK's Mac, not through the class under test.
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(), "HmacSHA1"));
    String expected = java.util.Base64.getEncoder().encodeToString(mac.doFinal(POLICY.getBytes()));
    assertEquals(expected, PostPolicySignature.signV2(SECRET, POLICY));
    assertDoesNotThrow(() -> PostPolicySignature.verifyV2(SECRET, POLICY, expected));
  }

  @Test
  void v4IsHexHmacSha256UnderTheSigningKey() throws Exception {
    byte[] k = hmac(("AWS4" + SECRET).getBytes(), "20151229");
    k = hmac(k, "us-east-1");
    k = hmac(k, "s3");
    k = hmac(k, "aws4_request");
    String expected = java.util.HexFormat.of().formatHex(hmac(k, POLICY));
    assertEquals(expected, PostPolicySignature.signV4(SECRET, SCOPE, POLICY));
    assertDoesNotThrow(() -> PostPolicySignature.verifyV4(SECRET, SCOPE, POLICY, expected.toUpperCase()));
  }

  @Test
  void wrongSignaturesAreMismatches() {
    String v2 = PostPolicySignature.signV2(SECRET, POLICY);
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> PostPolicySignature.verifyV2(SECRET + "x", POLICY, v2));
    assertEquals(AuthFailure.SIGNATURE_MISMATCH, e.reason());
    assertThrows(AuthenticationException.class, () -> PostPolicySignature.verifyV2(SECRET, POLICY + "=", v2));
    assertThrows(AuthenticationException.class, () -> PostPolicySignature.verifyV2(SECRET, POLICY, ""));
    String v4 = PostPolicySignature.signV4(SECRET, SCOPE, POLICY);
    assertThrows(AuthenticationException.class,
        () -> PostPolicySignature.verifyV4(SECRET, new CredentialScope("20151230", "us-east-1", "s3"), POLICY, v4));
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes());
  }
}
