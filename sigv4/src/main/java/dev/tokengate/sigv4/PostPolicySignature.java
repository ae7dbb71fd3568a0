package dev.tokengate.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The signature of a browser-form upload (POST Object): what is signed is the base64 {@code policy}
 * form field itself, as sent. SigV2 signs it with HMAC-SHA1 under the secret (base64 result); SigV4
 * with HMAC-SHA256 under the scope's signing key (hex result). Compared in constant time.
 */
public final class PostPolicySignature {
  private PostPolicySignature() {}

  /** SigV2: the {@code signature} field. */
  public static String signV2(String secretKey, String base64Policy) {
    return SigV2Verifier.sign(secretKey, base64Policy);
  }

  /** SigV4: the {@code x-amz-signature} field. */
  public static String signV4(String secretKey, CredentialScope scope, String base64Policy) {
    byte[] key = SigningKeyCache.derive(secretKey, scope);
    return HexFormat.of().formatHex(Hmac.sha256(key, base64Policy.getBytes(StandardCharsets.UTF_8)));
  }

  /** @throws AuthenticationException SIGNATURE_MISMATCH when {@code signature} is not the SigV2 one */
  public static void verifyV2(String secretKey, String base64Policy, String signature) throws AuthenticationException {
    check(signV2(secretKey, base64Policy), signature);
  }

  /** @throws AuthenticationException SIGNATURE_MISMATCH when {@code signature} is not the SigV4 one */
  public static void verifyV4(String secretKey, CredentialScope scope, String base64Policy, String signature)
      throws AuthenticationException {
    check(signV4(secretKey, scope, base64Policy), signature.toLowerCase(Locale.ROOT));
  }

  private static void check(String expected, String given) throws AuthenticationException {
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.UTF_8))) {
      throw new AuthenticationException(
          AuthFailure.SIGNATURE_MISMATCH,
          "The request signature we calculated does not match the signature you provided. Check your key and signing"
              + " method.");
    }
  }
}
