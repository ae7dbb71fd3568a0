package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STS seed flows with the real AWS CLI v2 and v1: GetSessionToken for a configured user, then
 * S3 with the temporary credentials (also through the legacy AWS_SECURITY_TOKEN variable with v1);
 * AssumeRole into a read-only role: listing works, uploading is AccessDenied with the explained
 * message and nothing is written. Transcripts go to {@code target/sts-cli-transcript-*.txt}.
 */
@Timeout(300)
class StsCliTest {
  static final String DEV_KEY = "AKIADEVUSER000000001";
  static final String DEV_SECRET = "dev-secret-dev-secret-dev-secret-000000";
  static final String ALICE_KEY = "AKIAALICE00000000001";
  static final String ALICE_SECRET = "alice-secret-alice-secret-alice-secret-0";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  static final String CONFIG =
      """
      users:
        - name: dev
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
        - name: alice
          accessKeys: [{id: %s, secret: %s}]
          policies:
            assume-read-only:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/sts-s3-read-only"}
      roles:
        - name: sts-s3-read-only
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}
      """;

  @RegisterExtension
  static final TokengateExtension proxy =
      TokengateExtension.withConfig(CONFIG.formatted(DEV_KEY, DEV_SECRET, ALICE_KEY, ALICE_SECRET));

  @Test
  void seedFlowsWithAwsCliV2() throws Exception {
    Path aws = Path.of("/usr/bin/aws");
    assertTrue(Files.isExecutable(aws), "AWS CLI v2 must be installed (apt-get install awscli)");
    seedFlows(aws, "v2");
  }

  @Test
  void seedFlowsWithAwsCliV1() throws Exception {
    Path aws = CliRunner.awsV1();
    assertNotNull(aws, "AWS CLI v1 (pyenv's aws) must be on PATH");
    seedFlows(aws, "v1");
  }

  private void seedFlows(Path aws, String label) throws Exception {
    Path dir = Files.createDirectories(work.resolve(label));
    // Profiles live in files of this test's own; keys come from them or from each step's variables.
    Map<String, String> base = CliRunner.awsEnv(dir, "", "");
    base.remove("AWS_ACCESS_KEY_ID");
    base.remove("AWS_SECRET_ACCESS_KEY");
    base.remove("AWS_DEFAULT_REGION");
    base.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
    base.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
    CliRunner cli = new CliRunner(base);
    String a = aws.toString();
    String endpoint = proxy.endpoint();
    try {
      // Flow 000/001: a profile with a config user's keys, then GetSessionToken.
      ok(cli.run(dir, a, "configure", "set", "aws_access_key_id", DEV_KEY, "--profile", "dev"));
      ok(cli.run(dir, a, "configure", "set", "aws_secret_access_key", DEV_SECRET, "--profile", "dev"));
      ok(cli.run(dir, a, "--profile", "dev", "--endpoint-url", endpoint, "--region", "us-east-1", "s3", "mb", "s3://seed-" + label));
      Instant before = Instant.now();
      CliRunner.Result token =
          ok(cli.run(dir, a, "--endpoint-url", endpoint, "sts", "get-session-token", "--duration-seconds", "3600",
              "--profile", "dev", "--region", "us-east-1"));
      JsonNode creds = JSON.readTree(token.stdout()).path("Credentials");
      assertTrue(creds.path("AccessKeyId").asText().startsWith("ASIA"), token.all());
      Instant expiration = Instant.parse(creds.path("Expiration").asText());
      assertTrue(Duration.between(before, expiration).abs().minusHours(1).abs().getSeconds() < 120, "one hour ahead: " + expiration);

      Map<String, String> session = sessionEnv(base, creds);
      CliRunner temp = cli.withEnv(session);
      CliRunner.Result ls = ok(temp.run(dir, a, "--endpoint-url", endpoint, "s3", "ls"));
      assertTrue(ls.stdout().contains("seed-" + label), ls.all());
      CliRunner.Result who = ok(temp.run(dir, a, "--endpoint-url", endpoint, "sts", "get-caller-identity"));
      assertEquals("arn:aws:iam::123456789012:user/dev", JSON.readTree(who.stdout()).path("Arn").asText(), who.all());
      cli.run(dir, "echo", "(with the session credentials) " + ls.stdout().strip() + " / " + who.stdout().strip());

      if (label.equals("v1")) {
        // The legacy variable name, which botocore still reads.
        Map<String, String> legacy = new HashMap<>(session);
        legacy.put("AWS_SECURITY_TOKEN", legacy.remove("AWS_SESSION_TOKEN"));
        CliRunner old = cli.withEnv(legacy);
        CliRunner.Result legacyLs = ok(old.run(dir, a, "--endpoint-url", endpoint, "s3", "ls"));
        assertTrue(legacyLs.stdout().contains("seed-" + label), legacyLs.all());
      }

      // A temporary key without its token: the AWS answer, not a hang.
      Map<String, String> noToken = new HashMap<>(session);
      noToken.remove("AWS_SESSION_TOKEN");
      CliRunner.Result missing = cli.withEnv(noToken).run(dir, a, "--endpoint-url", endpoint, "s3", "ls");
      assertTrue(missing.exitCode() != 0 && missing.all().contains("InvalidAccessKeyId"), missing.all());

      // Flow 004: AssumeRole into a read-only role.
      ok(cli.run(dir, a, "configure", "set", "aws_access_key_id", ALICE_KEY, "--profile", "alice"));
      ok(cli.run(dir, a, "configure", "set", "aws_secret_access_key", ALICE_SECRET, "--profile", "alice"));
      CliRunner.Result assumed =
          ok(cli.run(dir, a, "--endpoint-url", endpoint, "--profile", "alice", "--region", "us-east-1", "sts", "assume-role",
              "--role-arn", "arn:aws:iam::123456789012:role/sts-s3-read-only", "--role-session-name", "mytestsession"));
      JsonNode roleCreds = JSON.readTree(assumed.stdout()).path("Credentials");
      assertEquals(
          "arn:aws:sts::123456789012:assumed-role/sts-s3-read-only/mytestsession",
          JSON.readTree(assumed.stdout()).path("AssumedRoleUser").path("Arn").asText());
      Map<String, String> role = sessionEnv(base, roleCreds);
      CliRunner readOnly = cli.withEnv(role);
      CliRunner.Result roleLs = ok(readOnly.run(dir, a, "--endpoint-url", endpoint, "s3", "ls"));
      assertTrue(roleLs.stdout().contains("seed-" + label), roleLs.all());
      Path file = dir.resolve("bucketest");
      Files.writeString(file, "should never be stored\n", StandardCharsets.UTF_8);
      CliRunner.Result cp = readOnly.run(dir, a, "--endpoint-url", endpoint, "s3", "cp", file.toString(), "s3://seed-" + label + "/");
      assertTrue(cp.exitCode() != 0 && cp.all().contains("AccessDenied"), cp.all());
      CliRunner.Result roleWho = ok(readOnly.run(dir, a, "--endpoint-url", endpoint, "sts", "get-caller-identity"));
      assertEquals(
          "arn:aws:sts::123456789012:assumed-role/sts-s3-read-only/mytestsession",
          JSON.readTree(roleWho.stdout()).path("Arn").asText());
      CliRunner.Result after =
          ok(cli.run(dir, a, "--profile", "dev", "--endpoint-url", endpoint, "--region", "us-east-1", "s3", "ls", "s3://seed-" + label + "/"));
      assertTrue(!after.stdout().contains("bucketest"), "nothing may be written by a denied upload: " + after.all());
      assertFalse(proxy.backend().exists("seed-" + label, "bucketest"), "nor is it in the backend");
    } finally {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "sts-cli-transcript-" + label + ".txt"), cli.transcript(), StandardCharsets.UTF_8);
    }
  }

  /** The base environment plus a session's keys and token, as the seed flows export them. */
  private static Map<String, String> sessionEnv(Map<String, String> base, JsonNode creds) {
    Map<String, String> env = new HashMap<>(base);
    env.put("AWS_ACCESS_KEY_ID", creds.path("AccessKeyId").asText());
    env.put("AWS_SECRET_ACCESS_KEY", creds.path("SecretAccessKey").asText());
    env.put("AWS_SESSION_TOKEN", creds.path("SessionToken").asText());
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    return env;
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r;
  }
}
