package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.token.Keyring;
import dev.tokengate.proxy.token.KeyringFile;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyring rotation as an operator does it, across restarts on one data dir: GetSessionToken and
 * AssumeRole tokens minted before a rotation keep working on S3 and STS, new tokens carry the new
 * key; once the old key is retired its tokens get 400 InvalidToken (S3) / 403 InvalidClientTokenId
 * (STS) while new ones keep working.
 */
@Timeout(120)
class KeyRotationTest {
  static final String KEY = "AKIAROTATE0000000001";
  static final String SECRET = "rotate-secret-rotate-secret-rotate-0000";

  @TempDir Path dir;

  private ProxyServer start() throws Exception {
    Path config = dir.resolve("tokengate.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: rotator
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
            policies:
              assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
        roles:
          - name: reader
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            trustPolicy:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/rotator"}, Action: "sts:AssumeRole"}]
        """.formatted(dataDir(), KEY, SECRET));
    return ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
  }

  private Path dataDir() {
    return dir.resolve("data");
  }

  private static Credentials sessionToken(ProxyServer s) throws Exception {
    StsClient.Response r = new StsClient(s.endpoint(), Clock.systemUTC()).call(KEY, SECRET, null, "GetSessionToken", Map.of());
    assertEquals(200, r.status(), r.body());
    return r.credentials("GetSessionToken");
  }

  private static Credentials roleSession(ProxyServer s) throws Exception {
    StsClient.Response r = new StsClient(s.endpoint(), Clock.systemUTC()).call(KEY, SECRET, null, "AssumeRole",
        Map.of("RoleArn", "arn:aws:iam::123456789012:role/reader", "RoleSessionName", "rotation"));
    assertEquals(200, r.status(), r.body());
    return r.credentials("AssumeRole");
  }

  private static HttpResponse<String> listBuckets(ProxyServer s, Credentials c) throws Exception {
    return new RawS3Client(s.endpoint()).send("GET", "/", new byte[0], c.accessKeyId(), c.secretAccessKey(), Instant.now(),
        Map.of("x-amz-security-token", c.sessionToken()));
  }

  private static StsClient.Response callerIdentity(ProxyServer s, Credentials c) throws Exception {
    return new StsClient(s.endpoint(), Clock.systemUTC())
        .call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "GetCallerIdentity", Map.of());
  }

  private static void assertWorks(ProxyServer s, Credentials c, String what) throws Exception {
    HttpResponse<String> list = listBuckets(s, c);
    assertEquals(200, list.statusCode(), what + ": " + list.body());
    StsClient.Response id = callerIdentity(s, c);
    assertEquals(200, id.status(), what + ": " + id.body());
  }

  private static void assertRetired(ProxyServer s, Credentials c, String what) throws Exception {
    HttpResponse<String> list = listBuckets(s, c);
    assertEquals(400, list.statusCode(), what + ": " + list.body());
    assertEquals("InvalidToken", RawS3Client.element(list.body(), "Code"), what);
    StsClient.Response id = callerIdentity(s, c);
    assertEquals(403, id.status(), what + ": " + id.body());
    assertEquals("InvalidClientTokenId", id.errorCode(), what);
  }

  private static int keyId(String token) {
    return ByteBuffer.wrap(Base64.getUrlDecoder().decode(token), 1, 4).getInt();
  }

  private Keyring keyringOnDisk() throws Exception {
    return Keyring.parse(Files.readString(KeyringFile.path(dataDir())));
  }

  @Test
  void oldTokensOpenAfterRotationAndDieWhenTheirKeyIsRetired() throws Exception {
    Credentials oldSession;
    Credentials oldRole;
    try (ProxyServer s = start()) {
      oldSession = sessionToken(s);
      oldRole = roleSession(s);
      assertWorks(s, oldSession, "before rotation");
      assertWorks(s, oldRole, "role session before rotation");
    }
    Keyring original = keyringOnDisk();
    assertEquals(original.primary().id(), keyId(oldSession.sessionToken()));
    KeyringFile.write(dataDir(), Keyring.parse(Files.readString(KeyringFile.path(dataDir()))).rotate(new SecureRandom()));
    Keyring rotated = keyringOnDisk();
    assertNotEquals(original.primary().id(), rotated.primary().id());

    Credentials fresh;
    try (ProxyServer s = start()) {
      assertWorks(s, oldSession, "old GetSessionToken token after rotation");
      assertWorks(s, oldRole, "old AssumeRole token after rotation");
      fresh = sessionToken(s);
      assertEquals(rotated.primary().id(), keyId(fresh.sessionToken()), "new tokens are sealed with the new primary");
      assertWorks(s, fresh, "new token");
    }
    KeyringFile.write(dataDir(), keyringOnDisk().retireAllButPrimary());

    try (ProxyServer s = start()) {
      assertRetired(s, oldSession, "old GetSessionToken token after retirement");
      assertRetired(s, oldRole, "old AssumeRole token after retirement");
      assertWorks(s, fresh, "new token after retirement");
      assertWorks(s, roleSession(s), "a role session minted after retirement");
    }
  }
}
