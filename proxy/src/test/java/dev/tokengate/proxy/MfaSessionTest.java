package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.proxy.sts.Totp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetSessionToken with MFA: the right TOTP code is accepted, a wrong one or half a pair is not; the
 * session then satisfies aws:MultiFactorAuthPresent conditions.
 */
@Timeout(60)
class MfaSessionTest {
  static final String KEY = "AKIAMFAUSER000000001";
  static final String SECRET = "mfa-secret-mfa-secret-mfa-secret-mfa-000";
  static final String SEED = "JBSWY3DPEHPK3PXP";
  static final String SERIAL = "arn:aws:iam::123456789012:mfa/mfauser";

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: mfauser
          accessKeys: [{id: %s, secret: %s}]
          mfaSecret: %s
          policies:
            mfa-only:
              Version: "2012-10-17"
              Statement:
                - Effect: Allow
                  Action: s3:ListAllMyBuckets
                  Resource: "*"
                  Condition: {Bool: {"aws:MultiFactorAuthPresent": "true"}}
      """.formatted(KEY, SECRET, SEED));

  private int listBuckets(Credentials c) throws Exception {
    return proxy.client(c).get("/").statusCode();
  }

  @Test
  void totpCodeIsChecked() throws Exception {
    StsClient sts = proxy.sts();
    String code = new Totp(6).code(Totp.base32(SEED), Instant.now().getEpochSecond() / 30);
    StsClient.Response ok = sts.call(KEY, SECRET, null, "GetSessionToken", Map.of("SerialNumber", SERIAL, "TokenCode", code));
    assertEquals(200, ok.status(), ok.body());
    // The policy asks for MFA: the MFA session may list, a session without MFA and the long-term key may not.
    assertEquals(200, listBuckets(ok.credentials("GetSessionToken")));
    StsClient.Response noMfa = sts.call(KEY, SECRET, null, "GetSessionToken", Map.of());
    assertEquals(403, listBuckets(noMfa.credentials("GetSessionToken")));
    assertEquals(403, proxy.client(KEY, SECRET).get("/").statusCode());
    String wrongCode = code.equals("000000") ? "111111" : "000000";
    StsClient.Response wrong =
        sts.call(KEY, SECRET, null, "GetSessionToken", Map.of("SerialNumber", SERIAL, "TokenCode", wrongCode));
    assertEquals(403, wrong.status(), wrong.body());
    assertEquals("AccessDenied", wrong.errorCode());
    StsClient.Response half = sts.call(KEY, SECRET, null, "GetSessionToken", Map.of("TokenCode", code));
    assertEquals(400, half.status(), half.body());
    assertEquals("ValidationError", half.errorCode());
  }
}
