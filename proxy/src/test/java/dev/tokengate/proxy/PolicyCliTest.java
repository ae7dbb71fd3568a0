package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.BackendView;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies enforced on the real AWS CLI v2: a user whose only policy is AmazonS3ReadOnlyAccess can
 * list and download but every write is AccessDenied with AWS's explained message, and the backend
 * is unchanged; a user limited to {@code home/${aws:username}/} can list and write there only.
 */
@Timeout(300)
class PolicyCliTest {
  static final String READER_KEY = "AKIAREADER0000000001";
  static final String READER_SECRET = "reader-secret-reader-secret-reader-000";
  static final String BOB_KEY = "AKIABOB0000000000001";
  static final String BOB_SECRET = "bob-secret-bob-secret-bob-secret-bob-00";

  @TempDir static Path work;

  static final String CONFIG =
      """
      users:
        - name: reader
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        - name: bob
          accessKeys: [{id: %s, secret: %s}]
          policies:
            home:
              Version: "2012-10-17"
              Statement:
                - Sid: ListOwnHome
                  Effect: Allow
                  Action: s3:ListBucket
                  Resource: "arn:aws:s3:::shared"
                  Condition: {StringLike: {"s3:prefix": ["home/${aws:username}/*", "home/${aws:username}/"]}}
                - Sid: OwnObjects
                  Effect: Allow
                  Action: [s3:GetObject, s3:PutObject, s3:DeleteObject]
                  Resource: "arn:aws:s3:::shared/home/${aws:username}/*"
      """;

  @RegisterExtension
  static final TokengateExtension proxy =
      TokengateExtension.withConfig(CONFIG.formatted(READER_KEY, READER_SECRET, BOB_KEY, BOB_SECRET));

  private static Map<String, String> env(Path dir, String key, String secret) {
    return CliRunner.awsEnv(dir, key, secret);
  }

  @Test
  void readOnlyUserReadsButCannotWrite() throws Exception {
    Path dir = Files.createDirectories(work.resolve("reader"));
    String aws = "/usr/bin/aws";
    String endpoint = proxy.endpoint();
    CliRunner admin = new CliRunner(env(dir, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
    CliRunner reader = admin.withEnv(env(dir, READER_KEY, READER_SECRET));
    Path file = dir.resolve("f.txt");
    Files.writeString(file, "read me\n", StandardCharsets.UTF_8);
    try {
      ok(admin.run(dir, aws, "--endpoint-url", endpoint, "s3", "mb", "s3://rbucket"));
      ok(admin.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", file.toString(), "s3://rbucket/k"));

      BackendView.State before = proxy.backend().state();
      assertTrue(ok(reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "ls")).stdout().contains("rbucket"));
      assertTrue(ok(reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "ls", "s3://rbucket/")).stdout().contains("k"));
      assertEquals("read me\n", ok(reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", "s3://rbucket/k", "-")).stdout());

      CliRunner.Result put = reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", file.toString(), "s3://rbucket/new");
      assertDenied(put, "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: s3:PutObject");
      assertDenied(reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "rm", "s3://rbucket/k"), "s3:DeleteObject");
      assertDenied(reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "mb", "s3://cbucket"), "s3:CreateBucket");
      CliRunner.Result rmAll = reader.run(dir, aws, "--endpoint-url", endpoint, "s3", "rm", "--recursive", "s3://rbucket/");
      assertDenied(rmAll, "AccessDenied");

      CliRunner.Result listing = ok(admin.run(dir, aws, "--endpoint-url", endpoint, "s3", "ls", "--recursive", "s3://rbucket/"));
      assertTrue(listing.stdout().contains(" k") && !listing.stdout().contains("new"), "backend unchanged: " + listing.all());
      assertTrue(!ok(admin.run(dir, aws, "--endpoint-url", endpoint, "s3", "ls")).stdout().contains("cbucket"));
      assertEquals(before, proxy.backend().state(), "the backend is unchanged");
    } finally {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "policy-cli-transcript-reader.txt"), admin.transcript(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void homePrefixUserStaysInHome() throws Exception {
    Path dir = Files.createDirectories(work.resolve("bob"));
    String aws = "/usr/bin/aws";
    String endpoint = proxy.endpoint();
    CliRunner admin = new CliRunner(env(dir, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
    CliRunner bob = admin.withEnv(env(dir, BOB_KEY, BOB_SECRET));
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "bob's notes\n", StandardCharsets.UTF_8);
    try {
      ok(admin.run(dir, aws, "--endpoint-url", endpoint, "s3", "mb", "s3://shared"));
      ok(admin.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", file.toString(), "s3://shared/other/secret.txt"));

      ok(bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", file.toString(), "s3://shared/home/bob/notes.txt"));
      assertTrue(ok(bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "ls", "s3://shared/home/bob/")).stdout().contains("notes.txt"));
      assertEquals("bob's notes\n", ok(bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", "s3://shared/home/bob/notes.txt", "-")).stdout());

      assertDenied(bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", file.toString(), "s3://shared/home/alice/x.txt"), "s3:PutObject");
      assertDenied(bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "ls", "s3://shared/other/"), "s3:ListBucket");
      // The download starts with HeadObject, whose 403 has no body to explain it.
      CliRunner.Result get = bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "cp", "s3://shared/other/secret.txt", "-");
      assertTrue(get.exitCode() != 0 && get.all().contains("403"), get.all());
      ok(bob.run(dir, aws, "--endpoint-url", endpoint, "s3", "rm", "s3://shared/home/bob/notes.txt"));
    } finally {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "policy-cli-transcript-bob.txt"), admin.transcript(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void simulatorAnswersThroughTheIamApi() throws Exception {
    Path dir = Files.createDirectories(work.resolve("simulate"));
    CliRunner admin = new CliRunner(env(dir, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
    CliRunner.Result r =
        ok(admin.run(dir, "/usr/bin/aws", "--endpoint-url", proxy.endpoint(), "iam", "simulate-principal-policy",
            "--policy-source-arn", "arn:aws:iam::123456789012:user/bob",
            "--action-names", "s3:PutObject", "--resource-arns", "arn:aws:s3:::shared/home/bob/x", "arn:aws:s3:::shared/other/x",
            "--query", "EvaluationResults[].[EvalResourceName,EvalDecision]", "--output", "text"));
    assertEquals("arn:aws:s3:::shared/home/bob/x\tallowed\narn:aws:s3:::shared/other/x\timplicitDeny\n", r.stdout());
    CliRunner.Result refused =
        admin.withEnv(env(dir, BOB_KEY, BOB_SECRET)).run(dir, "/usr/bin/aws", "--endpoint-url", proxy.endpoint(), "iam",
            "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::123456789012:user/reader", "--action-names", "s3:GetObject");
    assertDenied(refused, "iam:SimulatePrincipalPolicy");
  }

  @Test
  void customPoliciesAreSimulatedWithoutAnyStoredIdentity() throws Exception {
    Path dir = Files.createDirectories(work.resolve("simulate-custom"));
    CliRunner admin = new CliRunner(env(dir, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
    String aws = "/usr/bin/aws";
    String allowPhotos = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Photos\",\"Effect\":\"Allow\","
        + "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos/*\"}]}";
    String denyDelete = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
        + "\"Action\":\"s3:DeleteObject\",\"Resource\":\"*\"}]}";
    String boundaryReadOnly = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":[\"s3:GetObject\",\"s3:DeleteObject\"],\"Resource\":\"*\"}]}";
    CliRunner.Result r = ok(admin.run(dir, aws, "--endpoint-url", proxy.endpoint(), "iam", "simulate-custom-policy",
        "--policy-input-list", allowPhotos, denyDelete,
        "--action-names", "s3:GetObject", "s3:DeleteObject", "s3:PutObject",
        "--resource-arns", "arn:aws:s3:::photos/a.jpg", "arn:aws:s3:::other/a.jpg",
        "--query", "EvaluationResults[].[EvalActionName,EvalResourceName,EvalDecision]", "--output", "text"));
    assertEquals("""
        s3:GetObject\tarn:aws:s3:::photos/a.jpg\tallowed
        s3:GetObject\tarn:aws:s3:::other/a.jpg\timplicitDeny
        s3:DeleteObject\tarn:aws:s3:::photos/a.jpg\texplicitDeny
        s3:DeleteObject\tarn:aws:s3:::other/a.jpg\texplicitDeny
        s3:PutObject\tarn:aws:s3:::photos/a.jpg\tallowed
        s3:PutObject\tarn:aws:s3:::other/a.jpg\timplicitDeny
        """, r.stdout());
    CliRunner.Result matched = ok(admin.run(dir, aws, "--endpoint-url", proxy.endpoint(), "iam",
        "simulate-custom-policy", "--policy-input-list", allowPhotos, "--action-names", "s3:GetObject",
        "--resource-arns", "arn:aws:s3:::photos/a.jpg",
        "--query", "EvaluationResults[0].MatchedStatements[0].SourcePolicyId", "--output", "text"));
    assertEquals("PolicyInputList.1#Photos\n", matched.stdout());

    // A boundary caps what the identity policies allow.
    CliRunner.Result bounded = ok(admin.run(dir, aws, "--endpoint-url", proxy.endpoint(), "iam",
        "simulate-custom-policy", "--policy-input-list", allowPhotos,
        "--permissions-boundary-policy-input-list", boundaryReadOnly,
        "--action-names", "s3:GetObject", "s3:PutObject", "--resource-arns", "arn:aws:s3:::photos/a.jpg",
        "--query", "EvaluationResults[].EvalDecision", "--output", "text"));
    assertEquals("allowed\timplicitDeny\n", bounded.stdout());

    // The caller's name reaches policy variables; a resource policy needs a caller.
    String ownHome = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::shared/home/${aws:username}/*\"}]}";
    CliRunner.Result asBob = ok(admin.run(dir, aws, "--endpoint-url", proxy.endpoint(), "iam",
        "simulate-custom-policy", "--policy-input-list", ownHome, "--caller-arn", "arn:aws:iam::123456789012:user/bob",
        "--action-names", "s3:GetObject",
        "--resource-arns", "arn:aws:s3:::shared/home/bob/x", "arn:aws:s3:::shared/home/reader/x",
        "--query", "EvaluationResults[].EvalDecision", "--output", "text"));
    assertEquals("allowed\timplicitDeny\n", asBob.stdout());
    CliRunner.Result noCaller = admin.run(dir, aws, "--endpoint-url", proxy.endpoint(), "iam",
        "simulate-custom-policy", "--policy-input-list", allowPhotos, "--resource-policy", allowPhotos,
        "--action-names", "s3:GetObject");
    assertTrue(noCaller.exitCode() != 0 && noCaller.all().contains("InvalidInput"), noCaller.all());
    CliRunner.Result malformed = admin.run(dir, aws, "--endpoint-url", proxy.endpoint(), "iam",
        "simulate-custom-policy", "--policy-input-list", "{\"Statement\": [", "--action-names", "s3:GetObject");
    assertTrue(malformed.exitCode() != 0 && malformed.all().contains("InvalidInput")
        && malformed.all().contains("PolicyInputList.1"), malformed.all());

    // Only callers allowed iam:SimulateCustomPolicy may simulate.
    CliRunner.Result refused = admin.withEnv(env(dir, BOB_KEY, BOB_SECRET)).run(dir, aws, "--endpoint-url",
        proxy.endpoint(), "iam", "simulate-custom-policy", "--policy-input-list", allowPhotos,
        "--action-names", "s3:GetObject");
    assertDenied(refused, "iam:SimulateCustomPolicy");
  }

  private static void assertDenied(CliRunner.Result r, String expected) {
    assertTrue(r.exitCode() != 0, "must fail: " + r.all());
    assertTrue(r.all().contains("AccessDenied") || r.all().contains("Forbidden"), r.all());
    assertTrue(r.all().contains(expected), "expected '" + expected + "' in: " + r.all());
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r;
  }
}
