package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.sts.Totp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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

  @TempDir Path dir;

  private static int listBuckets(ProxyServer s, Credentials c) throws Exception {
    return new RawS3Client(s.endpoint()).send("GET", "/", new byte[0], c.accessKeyId(), c.secretAccessKey(), Instant.now(),
        Map.of("x-amz-security-token", c.sessionToken())).statusCode();
  }

  @Test
  void totpCodeIsChecked() throws Exception {
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
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
        """.formatted(dir.resolve("d"), KEY, SECRET, SEED));
    try (ProxyServer s = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
      StsClient sts = new StsClient(s.endpoint(), Clock.systemUTC());
      String code = new Totp(6).code(Totp.base32(SEED), Instant.now().getEpochSecond() / 30);
      StsClient.Response ok = sts.call(KEY, SECRET, null, "GetSessionToken", Map.of("SerialNumber", SERIAL, "TokenCode", code));
      assertEquals(200, ok.status(), ok.body());
      // The policy asks for MFA: the MFA session may list, a session without MFA and the long-term key may not.
      assertEquals(200, listBuckets(s, ok.credentials("GetSessionToken")));
      StsClient.Response noMfa = sts.call(KEY, SECRET, null, "GetSessionToken", Map.of());
      assertEquals(403, listBuckets(s, noMfa.credentials("GetSessionToken")));
      assertEquals(403, new RawS3Client(s.endpoint()).send("GET", "/", new byte[0], KEY, SECRET, Instant.now(), Map.of()).statusCode());
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
}
