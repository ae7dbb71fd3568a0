package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
 * Key rotation across restarts: a token sealed with the old key still works after a new primary is
 * added (and new tokens use the new key), and stops working once the old key is retired.
 */
@Timeout(120)
class KeyringRotationEndToEndTest {
  static final String KEY = "AKIAALICE00000000001";
  static final String SECRET = "alice-secret-alice-secret-alice-secret-0";

  @TempDir Path dataDir;

  private ProxyServer start() throws Exception {
    Path config = dataDir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: alice
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        """.formatted(dataDir, KEY, SECRET));
    return ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
  }

  private static StsClient.Credentials mint(ProxyServer s) throws Exception {
    StsClient.Response r = new StsClient(s.endpoint(), Clock.systemUTC()).call(KEY, SECRET, null, "GetSessionToken", Map.of());
    assertEquals(200, r.status(), r.body());
    return StsClient.Credentials.from(r, "GetSessionToken");
  }

  private static HttpResponse<String> list(ProxyServer s, StsClient.Credentials c) throws Exception {
    return new RawS3Client(s.endpoint()).send("GET", "/", new byte[0], c.accessKeyId(), c.secretAccessKey(), Instant.now(),
        Map.of("x-amz-security-token", c.sessionToken()));
  }

  /** The key id in a token's header (version byte, then 4 bytes of key id). */
  private static int keyId(String token) {
    return ByteBuffer.wrap(Base64.getUrlDecoder().decode(token), 1, 4).getInt();
  }

  private Keyring keyring() throws Exception {
    return Keyring.parse(Files.readString(KeyringFile.path(dataDir)));
  }

  @Test
  void oldTokensOpenUntilTheirKeyIsRetired() throws Exception {
    StsClient.Credentials old;
    try (ProxyServer s = start()) {
      old = mint(s);
      assertEquals(200, list(s, old).statusCode());
    }
    Keyring before = keyring();
    KeyringFile.write(dataDir, before.rotate(new SecureRandom()));

    StsClient.Credentials fresh;
    try (ProxyServer s = start()) {
      assertEquals(200, list(s, old).statusCode(), "a token of the old key opens while that key is kept");
      fresh = mint(s);
      assertEquals(200, list(s, fresh).statusCode());
      assertEquals(before.primary().id(), keyId(old.sessionToken()));
      assertNotEquals(keyId(old.sessionToken()), keyId(fresh.sessionToken()), "new tokens are sealed with the new primary");
      assertEquals(keyring().primary().id(), keyId(fresh.sessionToken()));
    }
    KeyringFile.write(dataDir, keyring().retireAllButPrimary());

    try (ProxyServer s = start()) {
      HttpResponse<String> retired = list(s, old);
      assertEquals(400, retired.statusCode(), retired.body());
      assertEquals("InvalidToken", RawS3Client.element(retired.body(), "Code"));
      assertEquals(200, list(s, fresh).statusCode());
    }
  }
}
