package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.proxy.sts.Totp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MFA on STS, with codes computed by {@link Totp} against the proxy's (injected) clock: the right
 * code, or the previous step's, is accepted; a wrong or stale code, another user's serial, or a user
 * without a device is 403 AccessDenied; half a pair or a malformed code is 400 ValidationError.
 * MFA also satisfies a role's trust condition on aws:MultiFactorAuthPresent, directly and through an
 * MFA session. A code is single-use: once a step's code was accepted, it and every earlier step's
 * code are refused (each test starts four steps after the last, so it sees fresh codes).
 */
@Timeout(60)
class MfaTest {
  static final String KEY = "AKIAMFATEST000000001";
  static final String SECRET = "mfa-test-secret-mfa-test-secret-mfa-000";
  static final String PLAIN_KEY = "AKIANOMFA00000000001";
  static final String PLAIN_SECRET = "no-mfa-secret-no-mfa-secret-no-mfa-000";
  static final String SEED = "JBSWY3DPEHPK3PXP";
  static final String SERIAL = "arn:aws:iam::123456789012:mfa/mfauser";
  static final String ROLE = "arn:aws:iam::123456789012:role/needs-mfa";
  static final String DENIED = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";

  static final MutableClock clock = new MutableClock(Instant.now());

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: mfauser
          accessKeys: [{id: %s, secret: %s}]
          mfaSecret: %s
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          policies:
            assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
        - name: nomfa
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
      roles:
        - name: needs-mfa
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {AWS: "arn:aws:iam::123456789012:user/mfauser"}
                Action: "sts:AssumeRole"
                Condition: {Bool: {"aws:MultiFactorAuthPresent": "true"}}
      """.formatted(KEY, SECRET, SEED, PLAIN_KEY, PLAIN_SECRET)).clock(clock);

  static StsClient sts;

  @BeforeAll
  static void client() {
    sts = proxy.sts();
  }

  @BeforeEach
  void freshSteps() {
    clock.advance(Duration.ofSeconds(120));
  }

  /** The code for the proxy's current step plus {@code offset} steps. */
  private static String code(int offset) {
    return new Totp(6).code(Totp.base32(SEED), clock.instant().getEpochSecond() / 30 + offset);
  }

  /** A six-digit code that is none of the three the proxy accepts now. */
  private static String wrongCode() {
    List<String> valid = List.of(code(-1), code(0), code(1));
    for (int i = 0; ; i++) {
      String candidate = String.format("%06d", i * 111_111 % 1_000_000);
      if (!valid.contains(candidate)) {
        return candidate;
      }
    }
  }

  private static StsClient.Response getSessionToken(Map<String, String> params) throws Exception {
    return sts.call(KEY, SECRET, null, "GetSessionToken", params);
  }

  private static Map<String, String> mfa(String serial, String code) {
    Map<String, String> p = new HashMap<>();
    if (serial != null) {
      p.put("SerialNumber", serial);
    }
    if (code != null) {
      p.put("TokenCode", code);
    }
    return p;
  }

  private static void assertError(StsClient.Response r, int status, String code, String message) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.errorCode(), r.body());
    if (message != null) {
      assertEquals(message, r.errorMessage(), r.body());
    }
  }

  @Test
  void theRightCodeIsAccepted() throws Exception {
    StsClient.Response ok = getSessionToken(mfa(SERIAL, code(0)));
    assertEquals(200, ok.status(), ok.body());
    Credentials c = ok.credentials("GetSessionToken");
    StsClient.Response who = sts.call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "GetCallerIdentity", Map.of());
    assertEquals(200, who.status(), who.body());
    assertEquals("arn:aws:iam::123456789012:user/mfauser",
        who.xml().path("GetCallerIdentityResult").path("Arn").asText());
  }

  @Test
  void theNeighbouringStepsAreAcceptedForClockDrift() throws Exception {
    assertEquals(200, getSessionToken(mfa(SERIAL, code(-1))).status());
    assertEquals(200, getSessionToken(mfa(SERIAL, code(1))).status());
  }

  @Test
  void aWrongOrStaleCodeIsAccessDenied() throws Exception {
    assertError(getSessionToken(mfa(SERIAL, wrongCode())), 403, "AccessDenied", DENIED);
    String stale = code(-2);
    if (!List.of(code(-1), code(0), code(1)).contains(stale)) {
      assertError(getSessionToken(mfa(SERIAL, stale)), 403, "AccessDenied", DENIED);
    }
  }

  @Test
  void anotherUsersDeviceOrAUserWithoutOneIsAccessDenied() throws Exception {
    assertError(getSessionToken(mfa("arn:aws:iam::123456789012:mfa/nomfa", code(0))), 403, "AccessDenied", DENIED);
    assertError(getSessionToken(mfa("arn:aws:iam::999999999999:mfa/mfauser", code(0))), 403, "AccessDenied", DENIED);
    assertError(sts.call(PLAIN_KEY, PLAIN_SECRET, null, "GetSessionToken",
        mfa("arn:aws:iam::123456789012:mfa/nomfa", code(0))), 403, "AccessDenied", DENIED);
  }

  @Test
  void halfAPairIsAValidationError() throws Exception {
    String together = "SerialNumber and TokenCode must be given together.";
    assertError(getSessionToken(mfa(SERIAL, null)), 400, "ValidationError", together);
    assertError(getSessionToken(mfa(null, code(0))), 400, "ValidationError", together);
  }

  @Test
  void aMalformedCodeIsAValidationError() throws Exception {
    assertError(getSessionToken(mfa(SERIAL, code(0).substring(1))), 400, "ValidationError", null);
    assertError(getSessionToken(mfa(SERIAL, "12345a")), 400, "ValidationError", null);
    assertError(getSessionToken(mfa("short", code(0))), 400, "ValidationError", null);
  }

  @Test
  void mfaSatisfiesARoleTrustConditionDirectlyAndThroughAnMfaSession() throws Exception {
    Map<String, String> assume = new HashMap<>(Map.of("RoleArn", ROLE, "RoleSessionName", "with-mfa"));
    assertError(sts.call(KEY, SECRET, null, "AssumeRole", assume), 403, "AccessDenied", null);

    Map<String, String> withMfa = new HashMap<>(assume);
    withMfa.putAll(mfa(SERIAL, code(0)));
    StsClient.Response direct = sts.call(KEY, SECRET, null, "AssumeRole", withMfa);
    assertEquals(200, direct.status(), direct.body());

    // The next step's code: the current one was just used.
    Credentials mfaSession = getSessionToken(mfa(SERIAL, code(1))).credentials("GetSessionToken");
    StsClient.Response viaSession =
        sts.call(mfaSession.accessKeyId(), mfaSession.secretAccessKey(), mfaSession.sessionToken(), "AssumeRole", assume);
    assertEquals(200, viaSession.status(), viaSession.body());
    Credentials plainSession = getSessionToken(Map.of()).credentials("GetSessionToken");
    assertError(sts.call(plainSession.accessKeyId(), plainSession.secretAccessKey(), plainSession.sessionToken(), "AssumeRole",
        assume), 403, "AccessDenied", null);
  }

  @Test
  void aCodeFromTheFutureIsRejectedUntilItsStepComes() throws Exception {
    String later = code(3);
    if (!List.of(code(-1), code(0), code(1)).contains(later)) {
      assertError(getSessionToken(mfa(SERIAL, later)), 403, "AccessDenied", DENIED);
    }
    // The proxy reads the injected clock: three steps on, that code is the current one.
    clock.advance(Duration.ofSeconds(90));
    assertEquals(later, code(0));
    StsClient.Response now = getSessionToken(mfa(SERIAL, later));
    assertEquals(200, now.status(), now.body());
  }

  @Test
  void aCodeIsSingleUse() throws Exception {
    String now = code(0);
    assertEquals(200, getSessionToken(mfa(SERIAL, now)).status());
    assertError(getSessionToken(mfa(SERIAL, now)), 403, "AccessDenied", DENIED);
    Map<String, String> assume = new HashMap<>(Map.of("RoleArn", ROLE, "RoleSessionName", "replay"));
    assume.putAll(mfa(SERIAL, now));
    assertError(sts.call(KEY, SECRET, null, "AssumeRole", assume), 403, "AccessDenied", DENIED);
    // The previous step's code is still inside the drift window, but older than the one used.
    assertError(getSessionToken(mfa(SERIAL, code(-1))), 403, "AccessDenied", DENIED);
    assertEquals(200, getSessionToken(mfa(SERIAL, code(1))).status());
  }
}
