package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.proxy.sts.Totp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual MFA devices, GetAccountSummary and GetAccessKeyLastUsed with the real AWS CLI v2. TOTP
 * codes are computed here from the seed the CLI wrote, at the proxy's (ticking, advanceable) clock,
 * so a test moves to fresh steps instead of waiting for them.
 */
@Timeout(300)
class IamMfaCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWS = "/usr/bin/aws";
  private static final String ACCT = "123456789012";
  private static final String CAROL_KEY = "AKIACAROLMFATEST0001";
  private static final String CAROL_SECRET = "carol-secret-carol-secret-carol-secret-0";
  private static final String DAN_SEED = "JBSWY3DPEHPK3PXP";

  @TempDir Path work;

  private final MutableClock clock = MutableClock.ticking();

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: carol
          accessKeys: [{id: %s, secret: %s}]
        - name: dan
          mfaSecret: %s
      """.formatted(CAROL_KEY, CAROL_SECRET, DAN_SEED)).clock(clock);

  private CliRunner.Result aws(CliRunner as, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AWS, "--endpoint-url", proxy.endpoint(), "--region", "us-east-1",
        "--output", "json"));
    command.addAll(List.of(args));
    return as.run(work, command.toArray(String[]::new));
  }

  private static JsonNode ok(CliRunner.Result r) throws Exception {
    assertEquals(0, r.exitCode(), r.all());
    return r.stdout().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.stdout());
  }

  private static void fails(CliRunner.Result r, String code) {
    assertTrue(r.exitCode() != 0, r.all());
    assertTrue(r.stderr().contains("(" + code + ")"), "expected " + code + ": " + r.all());
  }

  private CliRunner admin() {
    return new CliRunner(CliRunner.awsEnv(work, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
  }

  /** The code of the proxy's current step plus {@code offset}. */
  private String code(String seed, int offset) {
    return new Totp(6).code(Totp.base32(seed), clock.instant().getEpochSecond() / 30 + offset);
  }

  /** A code that is none of those the proxy could accept now. */
  private String wrongCode(String seed) {
    List<String> near = List.of(code(seed, -2), code(seed, -1), code(seed, 0), code(seed, 1), code(seed, 2));
    for (int i = 1; ; i++) {
      String c = String.format("%06d", i * 123_457 % 1_000_000);
      if (!near.contains(c)) {
        return c;
      }
    }
  }

  /** Creates a device with the CLI, returning its seed as the CLI wrote it. */
  private String createDevice(CliRunner admin, String name) throws Exception {
    Path out = work.resolve(name + ".seed");
    JsonNode created = ok(aws(admin, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", name,
        "--outfile", out.toString(), "--bootstrap-method", "Base32StringSeed"));
    assertEquals("arn:aws:iam::" + ACCT + ":mfa/" + name, created.at("/VirtualMFADevice/SerialNumber").asText());
    String seed = Files.readString(out, StandardCharsets.US_ASCII);
    assertTrue(seed.matches("[A-Z2-7]{64}"), "a 64-character base32 seed: " + seed);
    return seed;
  }

  /** @return the second enabling code (the clock ticks: recomputing it later may give the next step's) */
  private String enable(CliRunner admin, String user, String serial, String seed) throws Exception {
    String second = code(seed, 0);
    ok(aws(admin, "iam", "enable-mfa-device", "--user-name", user, "--serial-number", serial,
        "--authentication-code1", code(seed, -1), "--authentication-code2", second));
    return second;
  }

  private CliRunner.Result sessionToken(CliRunner as, String serial, String code) throws Exception {
    return aws(as, "sts", "get-session-token", "--serial-number", serial, "--token-code", code);
  }

  @Test
  void aVirtualDeviceEnabledThroughTheCliGuardsGetSessionTokenAndSurvivesARestart() throws Exception {
    CliRunner admin = admin();
    ok(aws(admin, "iam", "create-user", "--user-name", "alice"));
    JsonNode key = ok(aws(admin, "iam", "create-access-key", "--user-name", "alice"));
    CliRunner alice = new CliRunner(CliRunner.awsEnv(work, key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));
    String serial = "arn:aws:iam::" + ACCT + ":mfa/alice-phone";

    fails(aws(alice, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "mine", "--outfile",
        work.resolve("x").toString(), "--bootstrap-method", "Base32StringSeed"), "AccessDenied");
    String seed = createDevice(admin, "alice-phone");
    fails(aws(admin, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "alice-phone", "--outfile",
        work.resolve("again").toString(), "--bootstrap-method", "Base32StringSeed"), "EntityAlreadyExists");
    JsonNode unassigned = ok(aws(admin, "iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned"));
    assertEquals(serial, unassigned.at("/VirtualMFADevices/0/SerialNumber").asText(), unassigned.toString());
    assertEquals(1, unassigned.get("VirtualMFADevices").size(), unassigned.toString());

    // Wrong codes, the same code twice, or the codes in the wrong order enable nothing.
    fails(aws(admin, "iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", serial,
        "--authentication-code1", wrongCode(seed), "--authentication-code2", code(seed, 0)),
        "InvalidAuthenticationCode");
    fails(aws(admin, "iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", serial,
        "--authentication-code1", code(seed, 0), "--authentication-code2", code(seed, -1)),
        "InvalidAuthenticationCode");
    fails(aws(admin, "iam", "enable-mfa-device", "--user-name", "nobody", "--serial-number", serial,
        "--authentication-code1", code(seed, -1), "--authentication-code2", code(seed, 0)), "NoSuchEntity");
    fails(aws(alice, "iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", serial,
        "--authentication-code1", code(seed, -1), "--authentication-code2", code(seed, 0)), "AccessDenied");
    assertEquals(0, ok(aws(admin, "iam", "list-mfa-devices", "--user-name", "alice")).get("MFADevices").size());
    fails(sessionToken(alice, serial, code(seed, 0)), "AccessDenied");

    clock.advance(Duration.ofSeconds(90));
    String spent = enable(admin, "alice", serial, seed);
    fails(aws(admin, "iam", "enable-mfa-device", "--user-name", "carol", "--serial-number", serial,
        "--authentication-code1", code(seed, -1), "--authentication-code2", code(seed, 0)), "EntityAlreadyExists");
    JsonNode devices = ok(aws(admin, "iam", "list-mfa-devices", "--user-name", "alice")).get("MFADevices");
    assertEquals(1, devices.size(), devices.toString());
    assertEquals(serial, devices.at("/0/SerialNumber").asText());
    assertEquals("alice", devices.at("/0/UserName").asText());
    JsonNode assigned = ok(aws(admin, "iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned"));
    assertTrue(assigned.toString().contains(serial) && assigned.toString().contains("\"alice\""), assigned.toString());

    // The enabling codes are spent; a later step's code opens an MFA session, a wrong one does not.
    fails(sessionToken(alice, serial, spent), "AccessDenied");
    clock.advance(Duration.ofSeconds(60));
    fails(sessionToken(alice, serial, wrongCode(seed)), "AccessDenied");
    fails(sessionToken(alice, serial.replace("alice-phone", "other"), code(seed, 0)), "AccessDenied");
    String used = code(seed, 0);
    JsonNode session = ok(sessionToken(alice, serial, used));
    assertTrue(session.at("/Credentials/AccessKeyId").asText().startsWith("ASIA"), session.toString());
    fails(sessionToken(alice, serial, used), "AccessDenied"); // a code is single-use

    ok(aws(admin, "iam", "delete-access-key", "--user-name", "alice", "--access-key-id",
        key.at("/AccessKey/AccessKeyId").asText()));
    CliRunner.Result conflict = aws(admin, "iam", "delete-user", "--user-name", "alice");
    fails(conflict, "DeleteConflict");
    assertTrue(conflict.stderr().contains("MFA"), conflict.all());
    fails(aws(admin, "iam", "delete-virtual-mfa-device", "--serial-number", serial), "DeleteConflict");
    key = ok(aws(admin, "iam", "create-access-key", "--user-name", "alice"));
    alice = new CliRunner(CliRunner.awsEnv(work, key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));

    proxy.restart();
    admin = admin();
    assertEquals(serial, ok(aws(admin, "iam", "list-mfa-devices", "--user-name", "alice"))
        .at("/MFADevices/0/SerialNumber").asText());
    clock.advance(Duration.ofSeconds(60));
    ok(sessionToken(alice, serial, code(seed, 0)));

    fails(aws(admin, "iam", "deactivate-mfa-device", "--user-name", "carol", "--serial-number", serial),
        "NoSuchEntity");
    ok(aws(admin, "iam", "deactivate-mfa-device", "--user-name", "alice", "--serial-number", serial));
    assertEquals(0, ok(aws(admin, "iam", "list-mfa-devices", "--user-name", "alice")).get("MFADevices").size());
    clock.advance(Duration.ofSeconds(60));
    fails(sessionToken(alice, serial, code(seed, 0)), "AccessDenied");
    ok(aws(admin, "iam", "delete-virtual-mfa-device", "--serial-number", serial));
    fails(aws(admin, "iam", "delete-virtual-mfa-device", "--serial-number", serial), "NoSuchEntity");
    assertEquals(0, ok(aws(admin, "iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned"))
        .get("VirtualMFADevices").size());
    ok(aws(admin, "iam", "delete-access-key", "--user-name", "alice", "--access-key-id",
        key.at("/AccessKey/AccessKeyId").asText()));
    ok(aws(admin, "iam", "delete-user", "--user-name", "alice"));
  }

  @Test
  void configuredUsersGetVirtualDevicesTooAndTheirConfiguredOneIsListedButUnmodifiable() throws Exception {
    CliRunner admin = admin();
    CliRunner carol = new CliRunner(CliRunner.awsEnv(work, CAROL_KEY, CAROL_SECRET));
    String serial = "arn:aws:iam::" + ACCT + ":mfa/carol-token";
    String seed = createDevice(admin, "carol-token");
    enable(admin, "carol", serial, seed);
    clock.advance(Duration.ofSeconds(60));
    ok(sessionToken(carol, serial, code(seed, 0)));
    // The configuration's convention (the user's ARN's twin) is not carol's device.
    clock.advance(Duration.ofSeconds(60));
    fails(sessionToken(carol, "arn:aws:iam::" + ACCT + ":mfa/carol", code(seed, 0)), "AccessDenied");

    String danSerial = "arn:aws:iam::" + ACCT + ":mfa/dan";
    assertEquals(danSerial, ok(aws(admin, "iam", "list-mfa-devices", "--user-name", "dan"))
        .at("/MFADevices/0/SerialNumber").asText());
    fails(aws(admin, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "dan", "--outfile",
        work.resolve("dan").toString(), "--bootstrap-method", "Base32StringSeed"), "EntityAlreadyExists");
    fails(aws(admin, "iam", "deactivate-mfa-device", "--user-name", "dan", "--serial-number", danSerial),
        "UnmodifiableEntity");
    String other = createDevice(admin, "spare");
    fails(aws(admin, "iam", "enable-mfa-device", "--user-name", "dan", "--serial-number",
        "arn:aws:iam::" + ACCT + ":mfa/spare", "--authentication-code1", code(other, -1),
        "--authentication-code2", code(other, 0)), "LimitExceeded");
    JsonNode all = ok(aws(admin, "iam", "list-virtual-mfa-devices"));
    assertEquals(3, all.get("VirtualMFADevices").size(), "carol-token, dan, spare: " + all);
  }

  @Test
  void theAccountSummaryCountsWhatIsThere() throws Exception {
    CliRunner admin = admin();
    JsonNode before = ok(aws(admin, "iam", "get-account-summary")).get("SummaryMap");
    assertEquals(2, before.get("Users").asInt(), "carol, dan (the root is no IAM user): " + before);
    assertEquals(1, before.get("AccountAccessKeysPresent").asInt(), "the root has keys: " + before);
    assertEquals(1, before.get("MFADevices").asInt(), "dan's configured one: " + before);
    assertEquals(1, before.get("MFADevicesInUse").asInt(), before.toString());
    assertEquals(2, before.get("AccessKeysPerUserQuota").asInt());
    assertEquals(5000, before.get("UsersQuota").asInt());
    assertEquals(0, before.get("AccountMFAEnabled").asInt());

    ok(aws(admin, "iam", "create-user", "--user-name", "erin"));
    ok(aws(admin, "iam", "create-group", "--group-name", "team"));
    createDevice(admin, "unused");
    JsonNode after = ok(aws(admin, "iam", "get-account-summary")).get("SummaryMap");
    assertEquals(before.get("Users").asInt() + 1, after.get("Users").asInt(), after.toString());
    assertEquals(before.get("Groups").asInt() + 1, after.get("Groups").asInt(), after.toString());
    assertEquals(2, after.get("MFADevices").asInt(), after.toString());
    assertEquals(1, after.get("MFADevicesInUse").asInt(), after.toString());

    CliRunner carol = new CliRunner(CliRunner.awsEnv(work, CAROL_KEY, CAROL_SECRET));
    fails(aws(carol, "iam", "get-account-summary"), "AccessDenied");
  }

  @Test
  void accessKeyLastUsedIsNAUntilTheKeySignsAndThenNamesTheServiceAcrossARestart() throws Exception {
    CliRunner admin = admin();
    ok(aws(admin, "iam", "create-user", "--user-name", "frank"));
    JsonNode key = ok(aws(admin, "iam", "create-access-key", "--user-name", "frank"));
    String id = key.at("/AccessKey/AccessKeyId").asText();
    CliRunner frank = new CliRunner(CliRunner.awsEnv(work, id, key.at("/AccessKey/SecretAccessKey").asText()));

    JsonNode never = ok(aws(admin, "iam", "get-access-key-last-used", "--access-key-id", id));
    assertEquals("frank", never.get("UserName").asText());
    assertEquals("N/A", never.at("/AccessKeyLastUsed/ServiceName").asText(), never.toString());
    assertEquals("N/A", never.at("/AccessKeyLastUsed/Region").asText(), never.toString());
    assertFalse(never.get("AccessKeyLastUsed").has("LastUsedDate"), never.toString());

    Instant start = clock.instant().minusSeconds(1);
    fails(aws(frank, "s3", "ls"), "AccessDenied"); // authenticated, then denied: still a use
    JsonNode used = ok(aws(admin, "iam", "get-access-key-last-used", "--access-key-id", id));
    assertEquals("s3", used.at("/AccessKeyLastUsed/ServiceName").asText(), used.toString());
    assertEquals("us-east-1", used.at("/AccessKeyLastUsed/Region").asText(), used.toString());
    assertFalse(Instant.parse(used.at("/AccessKeyLastUsed/LastUsedDate").asText()).isBefore(start), used.toString());

    ok(aws(frank, "sts", "get-caller-identity"));
    assertEquals("sts", ok(aws(admin, "iam", "get-access-key-last-used", "--access-key-id", id))
        .at("/AccessKeyLastUsed/ServiceName").asText());
    // The configured carol's key, signing with a wrong secret, is not a use.
    fails(aws(new CliRunner(CliRunner.awsEnv(work, CAROL_KEY, "wrong" + CAROL_SECRET.substring(5))), "sts",
        "get-caller-identity"), "SignatureDoesNotMatch");
    assertEquals("N/A", ok(aws(admin, "iam", "get-access-key-last-used", "--access-key-id", CAROL_KEY))
        .at("/AccessKeyLastUsed/ServiceName").asText());

    proxy.restart();
    admin = admin();
    JsonNode stored = ok(aws(admin, "iam", "get-access-key-last-used", "--access-key-id", id));
    assertEquals("sts", stored.at("/AccessKeyLastUsed/ServiceName").asText(), stored.toString());
    assertNotEquals("N/A", stored.at("/AccessKeyLastUsed/Region").asText());

    fails(aws(admin, "iam", "get-access-key-last-used", "--access-key-id", "AKIANOSUCHKEY0000000"), "NoSuchEntity");
    fails(aws(frank, "iam", "get-access-key-last-used", "--access-key-id", id), "AccessDenied");
  }
}
