package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.BackendView;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's s3cmd 2.3 and rclone 1.60 with temporary credentials: with a full-access
 * GetSessionToken session s3cmd puts, lists, gets (same bytes) and deletes, and rclone copies 20
 * files up, checks them and copies them back intact; with a read-only AssumeRole session both can
 * read but every write fails with 403 AccessDenied, and the bucket is left unchanged.
 */
@Timeout(300)
class OtherClientsTest {
  static final String KEY = "AKIAOTHERCLIENTS0001";
  static final String SECRET = "other-clients-secret-other-clients-0000";
  static final String BUCKET = "clients";

  @TempDir static Path dir;
  static Credentials full;
  static Credentials readOnly;
  static final CliRunner cli = new CliRunner(Map.of());

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: dev
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          policies:
            assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
      roles:
        - name: sts-s3-read-only
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/dev"}, Action: "sts:AssumeRole"}]
      """.formatted(KEY, SECRET));

  @BeforeAll
  static void start() throws Exception {
    assertEquals(200, admin("PUT", "/" + BUCKET, new byte[0]));
    assertEquals(200, admin("PUT", "/" + BUCKET + "/fixture.txt", "fixture".getBytes(StandardCharsets.UTF_8)));
    StsClient sts = proxy.sts();
    StsClient.Response gst = sts.call(KEY, SECRET, null, "GetSessionToken", Map.of());
    assertEquals(200, gst.status(), gst.body());
    full = gst.credentials("GetSessionToken");
    StsClient.Response role = sts.call(KEY, SECRET, null, "AssumeRole",
        Map.of("RoleArn", "arn:aws:iam::123456789012:role/sts-s3-read-only", "RoleSessionName", "clients"));
    assertEquals(200, role.status(), role.body());
    readOnly = role.credentials("AssumeRole");
  }

  @AfterAll
  static void transcript() throws Exception {
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "other-clients-transcript.txt"), cli.transcript());
  }

  private static int admin(String method, String path, byte[] body) throws Exception {
    return proxy.adminClient().send(method, path, body, Map.of()).statusCode();
  }

  /** s3cmd isolated from any ~/.s3cfg (an empty config file), keys and token on the command line. */
  private static String[] s3cmd(Credentials c, String... args) throws Exception {
    Path cfg = dir.resolve("empty.s3cfg");
    if (!Files.exists(cfg)) {
      Files.createFile(cfg);
    }
    String hostPort = proxy.hostPort();
    List<String> command = new ArrayList<>(List.of("s3cmd", "--config=" + cfg, "--host=" + hostPort,
        "--host-bucket=" + hostPort, "--no-ssl", "--access_key=" + c.accessKeyId(), "--secret_key=" + c.secretAccessKey(),
        "--access_token=" + c.sessionToken(), "--region=us-east-1"));
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  /**
   * rclone with its own config file; CliRunner drops every AWS_* variable, AWS_CA_BUNDLE included
   * (rclone 1.60 fails every s3 command when it is set), and every RCLONE_* one.
   */
  private static String[] rclone(Credentials c, String name, String... args) throws Exception {
    Path conf = dir.resolve(name + ".rclone.conf");
    Files.writeString(conf, "[tg]\ntype = s3\nprovider = Other\nendpoint = " + proxy.endpoint() + "\naccess_key_id = "
        + c.accessKeyId() + "\nsecret_access_key = " + c.secretAccessKey() + "\nsession_token = " + c.sessionToken()
        + "\nregion = us-east-1\nno_check_bucket = true\n");
    List<String> command = new ArrayList<>(List.of("rclone", "--config", conf.toString(), "--retries", "1",
        "--low-level-retries", "1"));
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), cli.transcript());
    return r;
  }

  private static void deniedWrite(CliRunner.Result r) {
    assertNotEquals(0, r.exitCode(), cli.transcript());
    assertTrue(r.all().contains("AccessDenied") && r.all().contains("403"), "a write refused as 403 AccessDenied: " + r.all());
    assertTrue(r.all().contains("assumed-role/sts-s3-read-only/clients is not authorized"), "the explained denial: " + r.all());
  }

  @Test
  void s3cmdPutsListsGetsAndDeletesWithASession() throws Exception {
    byte[] data = new byte[300_000];
    new Random(7).nextBytes(data);
    Path file = Files.write(dir.resolve("s3cmd-up.bin"), data);
    ok(cli.run(dir, s3cmd(full, "put", file.toString(), "s3://" + BUCKET + "/s3cmd/blob.bin")));
    CliRunner.Result ls = ok(cli.run(dir, s3cmd(full, "ls", "s3://" + BUCKET + "/s3cmd/")));
    assertTrue(ls.stdout().contains("s3://" + BUCKET + "/s3cmd/blob.bin"), ls.stdout());
    assertTrue(ls.stdout().contains(Integer.toString(data.length)), ls.stdout());
    Path back = dir.resolve("s3cmd-down.bin");
    ok(cli.run(dir, s3cmd(full, "get", "s3://" + BUCKET + "/s3cmd/blob.bin", back.toString())));
    assertArrayEquals(data, Files.readAllBytes(back));
    ok(cli.run(dir, s3cmd(full, "del", "s3://" + BUCKET + "/s3cmd/blob.bin")));
    CliRunner.Result after = ok(cli.run(dir, s3cmd(full, "ls", "s3://" + BUCKET + "/s3cmd/")));
    assertFalse(after.stdout().contains("blob.bin"), after.stdout());
    assertEquals(404, admin("HEAD", "/" + BUCKET + "/s3cmd/blob.bin", new byte[0]));
  }

  @Test
  void rcloneCopiesAndChecksTwentyFilesBothWays() throws Exception {
    Path src = Files.createDirectories(dir.resolve("rclone-src"));
    Random random = new Random(8);
    for (int i = 1; i <= 20; i++) {
      byte[] b = new byte[100 + random.nextInt(4000)];
      random.nextBytes(b);
      Files.write(src.resolve("file-" + i + ".bin"), b);
    }
    ok(cli.run(dir, rclone(full, "full", "copy", src.toString(), "tg:" + BUCKET + "/rclone")));
    CliRunner.Result check = ok(cli.run(dir, rclone(full, "full", "check", src.toString(), "tg:" + BUCKET + "/rclone")));
    assertTrue(check.all().contains("20 matching files"), check.all());
    Path back = dir.resolve("rclone-back");
    ok(cli.run(dir, rclone(full, "full", "copy", "tg:" + BUCKET + "/rclone", back.toString())));
    for (int i = 1; i <= 20; i++) {
      String name = "file-" + i + ".bin";
      assertArrayEquals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(back.resolve(name)), name);
    }
    try (var listed = Files.list(back)) {
      assertEquals(20, listed.count());
    }
  }

  @Test
  void aReadOnlyRoleSessionReadsButCannotWrite() throws Exception {
    Path file = Files.writeString(dir.resolve("ro.txt"), "must not arrive");
    BackendView.State before = proxy.backend().state();
    // Reads work, so the refusals below are the policy's, not a broken token.
    CliRunner.Result ls = ok(cli.run(dir, s3cmd(readOnly, "ls", "s3://" + BUCKET + "/")));
    assertTrue(ls.stdout().contains("fixture.txt"), ls.stdout());
    CliRunner.Result lsl = ok(cli.run(dir, rclone(readOnly, "ro", "lsf", "tg:" + BUCKET)));
    assertTrue(lsl.stdout().contains("fixture.txt"), lsl.stdout());

    deniedWrite(cli.run(dir, s3cmd(readOnly, "put", file.toString(), "s3://" + BUCKET + "/ro/s3cmd.txt")));
    deniedWrite(cli.run(dir, s3cmd(readOnly, "del", "s3://" + BUCKET + "/fixture.txt")));
    deniedWrite(cli.run(dir, rclone(readOnly, "ro", "copyto", file.toString(), "tg:" + BUCKET + "/ro/rclone.txt")));
    deniedWrite(cli.run(dir, rclone(readOnly, "ro", "deletefile", "tg:" + BUCKET + "/fixture.txt")));

    assertEquals(404, admin("HEAD", "/" + BUCKET + "/ro/s3cmd.txt", new byte[0]));
    assertEquals(404, admin("HEAD", "/" + BUCKET + "/ro/rclone.txt", new byte[0]));
    assertEquals(200, admin("HEAD", "/" + BUCKET + "/fixture.txt", new byte[0]));
    assertEquals(before, proxy.backend().state(), "the backend is unchanged");
  }
}
