package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** s3cmd and rclone (Debian's) with temporary credentials from GetSessionToken; a tampered token is refused. */
@Timeout(180)
class RcloneAndS3cmdTest {
  static final String KEY = "AKIADEVOC00000000001";
  static final String SECRET = "dev-secret-dev-secret-dev-secret-0000";

  @TempDir Path dir;

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: dev
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
      """.formatted(KEY, SECRET));

  @Test
  void clientsWorkWithSessionCredentials() throws Exception {
    Credentials c = proxy.sts().call(KEY, SECRET, null, "GetSessionToken", Map.of()).credentials("GetSessionToken");
    String hostPort = proxy.hostPort();
    CliRunner cli = new CliRunner(Map.of());
    try {
      Path cfg = Files.createFile(dir.resolve("s3cfg"));
      String[] s3cmd = {"s3cmd", "-c", cfg.toString(), "--host=" + hostPort, "--host-bucket=" + hostPort, "--no-ssl",
          "--access_key=" + c.accessKeyId(), "--secret_key=" + c.secretAccessKey(), "--access_token=" + c.sessionToken(),
          "--region=us-east-1"};
      byte[] data = new byte[3 * 1024 * 1024];
      new Random(3).nextBytes(data);
      Path big = Files.write(dir.resolve("big.bin"), data);
      ok(cli.run(dir, concat(s3cmd, "mb", "s3://ocbucket")));
      ok(cli.run(dir, concat(s3cmd, "put", big.toString(), "s3://ocbucket/big.bin")));
      ok(cli.run(dir, concat(s3cmd, "get", "s3://ocbucket/big.bin", dir.resolve("big.back").toString())));
      assertArrayEquals(data, Files.readAllBytes(dir.resolve("big.back")));

      Path src = Files.createDirectories(dir.resolve("src"));
      for (int i = 1; i <= 20; i++) {
        Files.writeString(src.resolve("f" + i + ".txt"), "file " + i + "\n");
      }
      Path rcloneConf = dir.resolve("rclone.conf");
      Files.writeString(rcloneConf, rclone(proxy.endpoint(), c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
      // rclone 1.60 fails every command when AWS_CA_BUNDLE is set (clients.md): CliRunner clears AWS_*.
      ok(cli.run(dir, "rclone", "--config", rcloneConf.toString(), "copy", src.toString(), "tg:ocbucket/src"));
      CliRunner.Result check = ok(cli.run(dir, "rclone", "--config", rcloneConf.toString(), "check", src.toString(), "tg:ocbucket/src"));
      assertTrue(check.all().contains("20 matching files"), check.all());

      char[] token = c.sessionToken().toCharArray();
      token[token.length / 2] = token[token.length / 2] == 'A' ? 'B' : 'A';
      Path badConf = dir.resolve("bad.conf");
      Files.writeString(badConf, rclone(proxy.endpoint(), c.accessKeyId(), c.secretAccessKey(), new String(token)));
      CliRunner.Result bad = cli.run(dir, "rclone", "--config", badConf.toString(), "--retries", "1", "--low-level-retries", "1",
          "ls", "tg:ocbucket");
      assertTrue(bad.exitCode() != 0 && bad.all().contains("InvalidToken"), bad.all());
    } finally {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "s3cmd-rclone-transcript.txt"), cli.transcript());
    }
  }

  private static String rclone(String endpoint, String key, String secret, String token) {
    return "[tg]\ntype = s3\nprovider = Other\nendpoint = " + endpoint + "\naccess_key_id = " + key
        + "\nsecret_access_key = " + secret + "\nsession_token = " + token + "\nregion = us-east-1\n";
  }

  private static String[] concat(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r;
  }
}
