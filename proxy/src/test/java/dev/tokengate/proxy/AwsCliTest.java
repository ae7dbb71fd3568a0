package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real AWS CLI, v2 (Debian, /usr/bin/aws) and v1 (pyenv), through the proxy: mb, ls, cp up and
 * down (bytes compared), a 20 MiB multipart cp, rm --recursive, rb. The transcript is written to
 * {@code target/aws-cli-transcript-*.txt}.
 */
@Timeout(300)
class AwsCliTest {
  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.defaults();
  @TempDir static Path work;

  @Test
  void awsCliV2() throws Exception {
    Path aws = Path.of("/usr/bin/aws");
    assertTrue(Files.isExecutable(aws), "AWS CLI v2 must be installed (apt-get install awscli)");
    roundTrip(aws, "v2");
  }

  @Test
  void awsCliV1() throws Exception {
    Path aws = CliRunner.awsV1();
    assertNotNull(aws, "AWS CLI v1 (pyenv's aws, or pip install awscli) must be on PATH");
    roundTrip(aws, "v1");
  }

  private void roundTrip(Path aws, String label) throws Exception {
    Path dir = Files.createDirectories(work.resolve(label));
    CliRunner cli =
        new CliRunner(CliRunner.awsEnv(dir, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
    String endpoint = proxy.endpoint();
    String bucket = "cli-" + label;
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "hello from the aws cli " + label + "\n");
    Path big = dir.resolve("big.bin");
    byte[] bigData = new byte[20 * 1024 * 1024];
    new Random(7).nextBytes(bigData);
    Files.write(big, bigData);
    try {
      ok(cli.run(dir, aws.toString(), "--version"));
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "mb", "s3://" + bucket));
      CliRunner.Result ls = ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "ls"));
      assertTrue(ls.stdout().contains(bucket), ls.all());
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "cp", small.toString(), "s3://" + bucket + "/dir/small.txt"));
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "cp", big.toString(), "s3://" + bucket + "/big.bin"));
      CliRunner.Result list =
          ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "ls", "--recursive", "s3://" + bucket + "/"));
      assertTrue(list.stdout().contains("dir/small.txt") && list.stdout().contains("big.bin"), list.all());
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "cp", "s3://" + bucket + "/dir/small.txt", dir.resolve("small.down").toString()));
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "cp", "s3://" + bucket + "/big.bin", dir.resolve("big.down").toString()));
      assertArrayEquals(Files.readAllBytes(small), Files.readAllBytes(dir.resolve("small.down")));
      assertArrayEquals(bigData, Files.readAllBytes(dir.resolve("big.down")));
      CliRunner.Result head =
          ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3api", "head-object", "--bucket", bucket, "--key", "big.bin"));
      assertTrue(head.stdout().contains("\"ETag\": \"\\\"") && head.stdout().contains("-"), "multipart ETag: " + head.all());
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "rm", "--recursive", "s3://" + bucket));
      ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "rb", "s3://" + bucket));
      CliRunner.Result after = ok(cli.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "ls"));
      assertTrue(!after.stdout().contains(bucket), after.all());
      // One bad input: a wrong secret must come back as the AWS error, not a hang or a 500.
      CliRunner wrong =
          cli.withEnv(CliRunner.awsEnv(dir, proxy.admin().accessKeyId(), "wrong-secret-wrong-secret-wrong-secret-00"));
      CliRunner.Result denied = wrong.run(dir, aws.toString(), "--endpoint-url", endpoint, "s3", "ls");
      assertTrue(denied.exitCode() != 0 && denied.all().contains("SignatureDoesNotMatch"), denied.all());
    } finally {
      Path target = Path.of("target");
      Files.createDirectories(target);
      Files.writeString(target.resolve("aws-cli-transcript-" + label + ".txt"), cli.transcript(), StandardCharsets.UTF_8);
    }
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r;
  }
}
