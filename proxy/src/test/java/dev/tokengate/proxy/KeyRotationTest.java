package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.cli.KeysCommand;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keyring rotation as an operator does it, with {@code tokengate keys rotate|retire|list} (in force at
 * once, kept in the state store across restarts): GetSessionToken and
 * AssumeRole tokens minted before a rotation keep working on S3 and STS, new tokens carry the new
 * key; once the old key is retired its tokens get 400 InvalidToken (S3) / 403 InvalidClientTokenId
 * (STS) while new ones keep working.
 */
@Timeout(120)
class KeyRotationTest {
  static final String KEY = "AKIAROTATE0000000001";
  static final String SECRET = "rotate-secret-rotate-secret-rotate-0000";

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
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
      """.formatted(KEY, SECRET));

  private static Path dataDir() {
    return proxy.dataDir();
  }

  private static Credentials sessionToken() throws Exception {
    StsClient.Response r = proxy.sts().call(KEY, SECRET, null, "GetSessionToken", Map.of());
    assertEquals(200, r.status(), r.body());
    return r.credentials("GetSessionToken");
  }

  private static Credentials roleSession() throws Exception {
    StsClient.Response r = proxy.sts().call(KEY, SECRET, null, "AssumeRole",
        Map.of("RoleArn", "arn:aws:iam::123456789012:role/reader", "RoleSessionName", "rotation"));
    assertEquals(200, r.status(), r.body());
    return r.credentials("AssumeRole");
  }

  private static HttpResponse<String> listBuckets(Credentials c) throws Exception {
    return proxy.client(c).get("/");
  }

  private static StsClient.Response callerIdentity(Credentials c) throws Exception {
    return proxy.sts().call(c, "GetCallerIdentity", Map.of());
  }

  private static void assertWorks(Credentials c, String what) throws Exception {
    HttpResponse<String> list = listBuckets(c);
    assertEquals(200, list.statusCode(), what + ": " + list.body());
    StsClient.Response id = callerIdentity(c);
    assertEquals(200, id.status(), what + ": " + id.body());
  }

  private static void assertRetired(Credentials c, String what) throws Exception {
    HttpResponse<String> list = listBuckets(c);
    assertEquals(400, list.statusCode(), what + ": " + list.body());
    assertEquals("InvalidToken", RawS3Client.element(list.body(), "Code"), what);
    StsClient.Response id = callerIdentity(c);
    assertEquals(403, id.status(), what + ": " + id.body());
    assertEquals("InvalidClientTokenId", id.errorCode(), what);
  }

  private static int keyId(String token) {
    return ByteBuffer.wrap(Base64.getUrlDecoder().decode(token), 1, 4).getInt();
  }

  /** Runs {@code tokengate keys ARGS} as the admin; returns the key ids it printed, the primary first. */
  private static List<Integer> keys(String command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = KeysCommand.run(List.of(command, "--endpoint", proxy.endpoint(), "--data-dir", dataDir().toString()),
        Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    List<Integer> ids = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
      int id = Integer.parseInt(line.split(" ")[0]);
      if (line.endsWith(" primary")) {
        ids.add(0, id);
      } else {
        ids.add(id);
      }
    }
    return ids;
  }

  @Test
  void oldTokensOpenAfterRotationAndDieWhenTheirKeyIsRetired() throws Exception {
    Credentials oldSession = sessionToken();
    Credentials oldRole = roleSession();
    assertWorks(oldSession, "before rotation");
    assertWorks(oldRole, "role session before rotation");
    List<Integer> original = keys("list");
    assertEquals(1, original.size());
    assertEquals(original.get(0), keyId(oldSession.sessionToken()));

    List<Integer> rotated = keys("rotate"); // in force at once, no restart
    assertEquals(2, rotated.size());
    assertNotEquals(original.get(0), rotated.get(0));
    assertTrue(rotated.contains(original.get(0)), "the old key stays to open older tokens");
    assertWorks(oldSession, "old GetSessionToken token after rotation");
    assertWorks(oldRole, "old AssumeRole token after rotation");
    Credentials fresh = sessionToken();
    assertEquals(rotated.get(0), keyId(fresh.sessionToken()), "new tokens are sealed with the new primary");
    assertWorks(fresh, "new token");

    proxy.restart(); // the keyring lives in the state store
    assertEquals(rotated, keys("list"));
    assertWorks(oldSession, "old token after rotation and restart");

    assertEquals(List.of(rotated.get(0)), keys("retire"));
    assertRetired(oldSession, "old GetSessionToken token after retirement");
    assertRetired(oldRole, "old AssumeRole token after retirement");
    assertWorks(fresh, "new token after retirement");
    assertWorks(roleSession(), "a role session minted after retirement");
    proxy.restart();
    assertRetired(oldSession, "retired for good");
    assertWorks(fresh, "new token after restart");
  }
}
