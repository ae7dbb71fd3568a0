package dev.tokengate.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.token.Keyring;
import dev.tokengate.proxy.token.SessionTokenSealer;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.Credential;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.ParsedAuthorization;
import dev.tokengate.sigv4.SigV2Authorization;
import dev.tokengate.sigv4.SigV4Authorization;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which key and token combinations resolve, and the S3 error for each that does not. */
class CredentialResolverTest {
  static final String ADMIN_KEY = "AKIAADMIN00000000001";
  static final String ADMIN_SECRET = "admin-secret-admin-secret-admin-secret-0";
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  final SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(new SecureRandom()), new SecureRandom());
  final CredentialResolver resolver =
      new CredentialResolver(
          new IdentityStore(ProxyConfig.defaults(), new BootstrapAdmin("admin", ADMIN_KEY, ADMIN_SECRET)),
          sealer,
          Clock.fixed(NOW, ZoneOffset.UTC));

  static SigV4Authorization v4(String keyId, String token) {
    return new SigV4Authorization(
        AuthStyle.HEADER, new Credential(keyId, new CredentialScope("20260101", "us-east-1", "s3")), List.of("host"),
        "0".repeat(64), "20260101T000000Z", NOW, -1, "UNSIGNED-PAYLOAD", token);
  }

  static SigV2Authorization v2(String keyId, String token) {
    return new SigV2Authorization(AuthStyle.HEADER, keyId, "c2lnbmF0dXJl", NOW, token);
  }

  /** A genuine session token of the admin user, minted for a temporary key. */
  String sessionToken() {
    return sealer.seal(new Session("ASIAADMINSESSION0001", "session-secret", "GetSessionToken", PrincipalType.USER,
        "123456789012", "admin", null, NOW, NOW.plusSeconds(3600), null, null, null, null, null, null, false));
  }

  static S3Error refusal(CredentialResolver resolver, ParsedAuthorization auth) {
    return assertThrows(S3Exception.class, () -> resolver.resolve(auth)).error();
  }

  @Test
  void aLongTermKeyWithoutATokenResolvesToItsUser() throws S3Exception {
    for (ParsedAuthorization auth : List.of(v4(ADMIN_KEY, null), v2(ADMIN_KEY, null), v4(ADMIN_KEY, ""))) {
      ResolvedCredential resolved = resolver.resolve(auth);
      assertEquals(ADMIN_SECRET, resolved.secretAccessKey());
      // The bootstrap admin is the account root, as AWS's first credentials are.
      assertEquals("arn:aws:iam::123456789012:root", resolved.caller().arn());
    }
  }

  @Test
  void aTokenSentWithALongTermKeyIsAnInvalidToken() {
    for (String token : List.of("garbage", sessionToken())) {
      assertEquals(S3Error.INVALID_TOKEN, refusal(resolver, v4(ADMIN_KEY, token)), "SigV4 with " + token);
      assertEquals(S3Error.INVALID_TOKEN, refusal(resolver, v2(ADMIN_KEY, token)), "SigV2 with " + token);
    }
    assertEquals(400, S3Error.INVALID_TOKEN.status());
  }

  @Test
  void anUnknownLongTermKeyIsInvalidAccessKeyIdWithOrWithoutAToken() {
    assertEquals(S3Error.INVALID_ACCESS_KEY_ID, refusal(resolver, v4("AKIAUNKNOWN000000001", "garbage")));
    assertEquals(S3Error.INVALID_ACCESS_KEY_ID, refusal(resolver, v4("AKIAUNKNOWN000000001", null)));
  }

  @Test
  void temporaryKeysStillNeedTheirOwnToken() throws S3Exception {
    String token = sessionToken();
    assertEquals("session-secret", resolver.resolve(v4("ASIAADMINSESSION0001", token)).secretAccessKey());
    assertEquals(S3Error.INVALID_ACCESS_KEY_ID, refusal(resolver, v4("ASIAADMINSESSION0001", null)));
    assertEquals(S3Error.INVALID_TOKEN, refusal(resolver, v4("ASIAOTHERSESSION0001", token)));
  }
}
