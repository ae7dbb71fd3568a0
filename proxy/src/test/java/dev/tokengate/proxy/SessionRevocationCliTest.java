package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.cli.RevokeCommand;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoking sessions with {@code tokengate revoke} (the IAM endpoint's RevokeSession /
 * RevokeSessions): one session, every session of a user or a role, of a source identity, issued
 * before a time; refused at once on S3 and STS with AccessDenied saying so, while other and later
 * sessions keep working, and across a restart. A user's key deactivated or deleted stops the
 * GetSessionToken sessions minted with it.
 */
@Timeout(300)
class SessionRevocationCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWS = "/usr/bin/aws";

  @TempDir Path work;

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults();

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

  private static void ok2(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
  }

  /** Refused as revoked: AccessDenied whose message says so. */
  private static void revoked(CliRunner.Result r) {
    assertTrue(r.exitCode() != 0, r.all());
    assertTrue(r.stderr().contains("(AccessDenied)") && r.stderr().contains("revoked"), "expected revoked: " + r.all());
  }

  private CliRunner admin() {
    return new CliRunner(CliRunner.awsEnv(work, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
  }

  private CliRunner sessionOf(JsonNode issued) {
    Map<String, String> env = new HashMap<>(CliRunner.awsEnv(work,
        issued.at("/Credentials/AccessKeyId").asText(), issued.at("/Credentials/SecretAccessKey").asText()));
    env.put("AWS_SESSION_TOKEN", issued.at("/Credentials/SessionToken").asText());
    return new CliRunner(env);
  }

  /** Runs {@code tokengate revoke ARGS} as the admin (its admin.yaml); returns stdout, asserting exit 0. */
  private String revoke(String... args) {
    Result r = revokeCommand(args);
    assertEquals(0, r.exit, r.err);
    return r.out;
  }

  private record Result(int exit, String out, String err) {}

  private Result revokeCommand(String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoint", proxy.endpoint(), "--data-dir", proxy.dataDir().toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = RevokeCommand.run(all, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private CliRunner newUser(String name) throws Exception {
    CliRunner admin = admin();
    ok(aws(admin, "iam", "create-user", "--user-name", name));
    ok(aws(admin, "iam", "attach-user-policy", "--user-name", name, "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    JsonNode key = ok(aws(admin, "iam", "create-access-key", "--user-name", name));
    return new CliRunner(CliRunner.awsEnv(work, key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));
  }

  @Test
  void oneSessionAndThenEverySessionOfAUser() throws Exception {
    ok2(aws(admin(), "s3", "mb", "s3://rv-data"));
    CliRunner bob = newUser("bob");
    JsonNode first = ok(aws(bob, "sts", "get-session-token"));
    CliRunner s1 = sessionOf(first);
    CliRunner s2 = sessionOf(ok(aws(bob, "sts", "get-session-token")));
    ok(aws(s1, "s3api", "list-objects-v2", "--bucket", "rv-data"));

    String printed = revoke("--session", first.at("/Credentials/AccessKeyId").asText());
    assertTrue(printed.startsWith("revoked RVK") && printed.contains("Session "
        + first.at("/Credentials/AccessKeyId").asText()), printed);
    revoked(aws(s1, "s3api", "list-objects-v2", "--bucket", "rv-data"));
    revoked(aws(s1, "sts", "get-caller-identity"));
    ok(aws(s2, "s3api", "list-objects-v2", "--bucket", "rv-data"));
    ok(aws(bob, "s3api", "list-objects-v2", "--bucket", "rv-data")); // long-term keys are not sessions

    revoke("--user", "bob");
    revoked(aws(s2, "s3api", "list-objects-v2", "--bucket", "rv-data"));
    Thread.sleep(1100); // issue times have second precision: a later session is not covered
    CliRunner s3 = sessionOf(ok(aws(bob, "sts", "get-session-token")));
    ok(aws(s3, "s3api", "list-objects-v2", "--bucket", "rv-data"));

    String listed = revoke("--list");
    assertEquals(2, listed.lines().count(), listed);
    assertTrue(listed.contains("User bob"), listed);

    proxy.restart();
    revoked(aws(s2, "s3api", "list-objects-v2", "--bucket", "rv-data"));
    revoked(aws(s1, "sts", "get-caller-identity"));
    ok(aws(s3, "s3api", "list-objects-v2", "--bucket", "rv-data"));
  }

  @Test
  void rolesSourceIdentitiesAndIssueTimes() throws Exception {
    CliRunner admin = admin();
    ok2(aws(admin, "s3", "mb", "s3://rv-roles"));
    String trust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
         "Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}""";
    for (String role : List.of("etl", "web")) {
      ok(aws(admin, "iam", "create-role", "--role-name", role, "--assume-role-policy-document", trust));
      ok(aws(admin, "iam", "attach-role-policy", "--role-name", role, "--policy-arn",
          "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    }
    CliRunner etl = sessionOf(ok(aws(admin, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/etl",
        "--role-session-name", "sa")));
    CliRunner web = sessionOf(ok(aws(admin, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/web",
        "--role-session-name", "sb")));
    CliRunner carol = sessionOf(ok(aws(admin, "sts", "assume-role", "--role-arn",
        "arn:aws:iam::123456789012:role/web", "--role-session-name", "sc", "--source-identity", "carol@example.com")));
    for (CliRunner s : List.of(etl, web, carol)) {
      ok(aws(s, "s3api", "list-objects-v2", "--bucket", "rv-roles"));
    }

    revoke("--role", "etl");
    revoked(aws(etl, "s3api", "list-objects-v2", "--bucket", "rv-roles"));
    ok(aws(web, "s3api", "list-objects-v2", "--bucket", "rv-roles"));

    revoke("--source-identity", "carol@example.com");
    revoked(aws(carol, "s3api", "list-objects-v2", "--bucket", "rv-roles"));
    ok(aws(web, "s3api", "list-objects-v2", "--bucket", "rv-roles"));

    Thread.sleep(1100);
    revoke("--issued-before", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    revoked(aws(web, "s3api", "list-objects-v2", "--bucket", "rv-roles"));
    Thread.sleep(1100);
    CliRunner later = sessionOf(ok(aws(admin, "sts", "assume-role", "--role-arn",
        "arn:aws:iam::123456789012:role/etl", "--role-session-name", "later")));
    ok(aws(later, "s3api", "list-objects-v2", "--bucket", "rv-roles"));
  }

  @Test
  void badRequestsAndCallersWithoutPermissionAreRefused() throws Exception {
    CliRunner dave = newUser("dave");
    assertEquals(1, revokeCommand("--user", "nobody").exit);
    assertTrue(revokeCommand("--user", "nobody").err.contains("NoSuchEntity"));
    assertTrue(revokeCommand("--session", "AKIANOTASESSION00000").err.contains("ValidationError"));
    assertTrue(revokeCommand("--issued-before", "2999-01-01T00:00:00Z").err.contains("ValidationError"));
    assertTrue(revokeCommand("--issued-before", "yesterday").err.contains("ValidationError"));
    assertEquals(2, revokeCommand("--user", "a", "--role", "b").exit, "one WHAT at a time");
    assertEquals(2, revokeCommand().exit);

    // dave may read S3 but not revoke: AccessDenied naming iam:RevokeSessions, and nothing recorded.
    JsonNode key = ok(aws(admin(), "iam", "create-access-key", "--user-name", "dave"));
    List<String> args = List.of("--endpoint", proxy.endpoint(), "--user", "dave");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = RevokeCommand.run(args, Map.of("AWS_ACCESS_KEY_ID", key.at("/AccessKey/AccessKeyId").asText(),
        "AWS_SECRET_ACCESS_KEY", key.at("/AccessKey/SecretAccessKey").asText()), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, exit);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("AccessDenied")
        && err.toString(StandardCharsets.UTF_8).contains("iam:RevokeSessions"), err.toString(StandardCharsets.UTF_8));
    assertEquals("no revocations in force", revoke("--list").strip());
    ok(aws(dave, "sts", "get-caller-identity"));
  }

  @Test
  void deactivatingOrDeletingTheKeyStopsItsSessions() throws Exception {
    CliRunner admin = admin();
    ok2(aws(admin, "s3", "mb", "s3://rv-keys"));
    ok(aws(admin, "iam", "create-user", "--user-name", "erin"));
    ok(aws(admin, "iam", "attach-user-policy", "--user-name", "erin", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    JsonNode k1 = ok(aws(admin, "iam", "create-access-key", "--user-name", "erin"));
    JsonNode k2 = ok(aws(admin, "iam", "create-access-key", "--user-name", "erin"));
    String id1 = k1.at("/AccessKey/AccessKeyId").asText();
    CliRunner viaK1 = sessionOf(ok(aws(new CliRunner(CliRunner.awsEnv(work, id1,
        k1.at("/AccessKey/SecretAccessKey").asText())), "sts", "get-session-token")));
    CliRunner viaK2 = sessionOf(ok(aws(new CliRunner(CliRunner.awsEnv(work, k2.at("/AccessKey/AccessKeyId").asText(),
        k2.at("/AccessKey/SecretAccessKey").asText())), "sts", "get-session-token")));
    ok(aws(viaK1, "s3api", "list-objects-v2", "--bucket", "rv-keys"));

    ok(aws(admin, "iam", "update-access-key", "--user-name", "erin", "--access-key-id", id1, "--status", "Inactive"));
    revoked(aws(viaK1, "s3api", "list-objects-v2", "--bucket", "rv-keys"));
    ok(aws(viaK2, "s3api", "list-objects-v2", "--bucket", "rv-keys"));
    ok(aws(admin, "iam", "delete-access-key", "--user-name", "erin", "--access-key-id", id1));
    revoked(aws(viaK1, "sts", "get-caller-identity"));
    ok(aws(viaK2, "sts", "get-caller-identity"));
  }
}
