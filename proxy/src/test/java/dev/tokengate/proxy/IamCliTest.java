package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IAM API with the real AWS CLI v2: users, keys, inline and attached policies, roles with a
 * trust policy; the new identities work on S3 and STS within their policies, AWS's errors change
 * nothing, and all of it survives a restart.
 */
@Timeout(300)
class IamCliTest {
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

  private static void fails(CliRunner.Result r, String code) {
    assertTrue(r.exitCode() != 0, r.all());
    assertTrue(r.stderr().contains("(" + code + ")"), "expected " + code + ": " + r.all());
  }

  private CliRunner admin() {
    return new CliRunner(CliRunner.awsEnv(work, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
  }

  @Test
  void usersKeysPoliciesAndRolesThroughTheCliSurviveARestart() throws Exception {
    CliRunner admin = admin();
    Path file = Files.writeString(work.resolve("f.txt"), "hello\n", StandardCharsets.UTF_8);
    ok2(aws(admin, "s3", "mb", "s3://iam-data"));
    ok2(aws(admin, "s3", "mb", "s3://iam-other"));

    JsonNode user = ok(aws(admin, "iam", "create-user", "--user-name", "alice"));
    assertEquals("arn:aws:iam::123456789012:user/alice", user.at("/User/Arn").asText());
    assertTrue(user.at("/User/UserId").asText().startsWith("AIDA"));
    fails(aws(admin, "iam", "create-user", "--user-name", "alice"), "EntityAlreadyExists");
    ok(aws(admin, "iam", "tag-user", "--user-name", "alice", "--tags", "Key=team,Value=data", "Key=tmp,Value=x"));
    ok(aws(admin, "iam", "untag-user", "--user-name", "alice", "--tag-keys", "tmp"));
    JsonNode tags = ok(aws(admin, "iam", "list-user-tags", "--user-name", "alice")).get("Tags");
    assertEquals(1, tags.size(), tags.toString());
    assertEquals("data", tags.at("/0/Value").asText());

    JsonNode key = ok(aws(admin, "iam", "create-access-key", "--user-name", "alice"));
    String keyId = key.at("/AccessKey/AccessKeyId").asText();
    String secret = key.at("/AccessKey/SecretAccessKey").asText();
    assertTrue(keyId.startsWith("AKIA"), keyId);
    String bucketPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject","s3:PutObject"],
         "Resource":["arn:aws:s3:::iam-data","arn:aws:s3:::iam-data/*"]}]}""";
    fails(aws(admin, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "data",
        "--policy-document", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"),
        "MalformedPolicyDocument");
    ok(aws(admin, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "data",
        "--policy-document", bucketPolicy));
    assertEquals("s3:ListBucket", ok(aws(admin, "iam", "get-user-policy", "--user-name", "alice", "--policy-name",
        "data")).at("/PolicyDocument/Statement/0/Action/0").asText(), "the CLI decodes the returned document");

    CliRunner alice = admin.withEnv(CliRunner.awsEnv(work, keyId, secret));
    ok2(aws(alice, "s3", "cp", file.toString(), "s3://iam-data/a.txt"));
    fails(aws(alice, "s3", "cp", file.toString(), "s3://iam-other/a.txt"), "AccessDenied");
    fails(aws(alice, "iam", "create-user", "--user-name", "mallory"), "AccessDenied");
    fails(aws(admin, "iam", "get-user", "--user-name", "mallory"), "NoSuchEntity");
    fails(aws(admin, "iam", "delete-user", "--user-name", "alice"), "DeleteConflict");

    String trust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},
         "Action":"sts:AssumeRole"}]}""";
    JsonNode role = ok(aws(admin, "iam", "create-role", "--role-name", "reader", "--assume-role-policy-document", trust));
    assertEquals("arn:aws:iam::123456789012:role/reader", role.at("/Role/Arn").asText());
    ok(aws(admin, "iam", "attach-role-policy", "--role-name", "reader", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    fails(aws(admin, "iam", "attach-role-policy", "--role-name", "reader", "--policy-arn",
        "arn:aws:iam::aws:policy/NoSuchPolicy"), "NoSuchEntity");
    // Without a name, GetUser is the caller itself (and, as on AWS, still needs iam:GetUser).
    JsonNode root = ok(aws(admin, "iam", "get-user")).get("User");
    assertEquals("arn:aws:iam::123456789012:root", root.get("Arn").asText(), "the bootstrap admin is the root");
    assertEquals("123456789012", root.get("UserId").asText());
    assertFalse(root.has("UserName"), "the root is no IAM user: " + root);
    fails(aws(admin, "iam", "get-user", "--user-name", "admin"), "NoSuchEntity");
    fails(aws(alice, "iam", "get-user"), "AccessDenied");

    for (int i = 0; i < 3; i++) {
      ok(aws(admin, "iam", "create-user", "--user-name", "pager" + i));
    }
    JsonNode page = ok(aws(admin, "iam", "list-users", "--max-items", "2"));
    assertEquals(2, page.get("Users").size());
    assertTrue(page.has("NextToken"), page.toString());
    JsonNode all = ok(aws(admin, "iam", "list-users"));
    assertEquals(4, all.get("Users").size(), "alice, pager0-2 (the root is no IAM user): " + all);

    proxy.restart();
    admin = admin();
    alice = admin.withEnv(CliRunner.awsEnv(work, keyId, secret));
    assertEquals("hello\n", ok2(aws(alice, "s3", "cp", "s3://iam-data/a.txt", "-")));
    JsonNode assumed = ok(aws(alice, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/reader",
        "--role-session-name", "s1"));
    Map<String, String> sessionEnv = new HashMap<>(CliRunner.awsEnv(work,
        assumed.at("/Credentials/AccessKeyId").asText(), assumed.at("/Credentials/SecretAccessKey").asText()));
    sessionEnv.put("AWS_SESSION_TOKEN", assumed.at("/Credentials/SessionToken").asText());
    CliRunner session = new CliRunner(sessionEnv);
    assertEquals("hello\n", ok2(aws(session, "s3", "cp", "s3://iam-data/a.txt", "-")));
    fails(aws(session, "s3", "cp", file.toString(), "s3://iam-data/b.txt"), "AccessDenied");

    ok(aws(admin, "iam", "update-access-key", "--user-name", "alice", "--access-key-id", keyId, "--status",
        "Inactive"));
    fails(aws(alice, "s3", "ls", "s3://iam-data"), "InvalidAccessKeyId");
    ok(aws(admin, "iam", "delete-access-key", "--user-name", "alice", "--access-key-id", keyId));
    ok(aws(admin, "iam", "delete-user-policy", "--user-name", "alice", "--policy-name", "data"));
    ok(aws(admin, "iam", "delete-user", "--user-name", "alice"));
    assertFalse(ok(aws(admin, "iam", "list-users")).toString().contains("\"alice\""));
    fails(aws(admin, "iam", "delete-role", "--role-name", "reader"), "DeleteConflict");
  }

  @Test
  void awsRevokeOlderSessionsStopsEarlierRoleSessionsAtOnce() throws Exception {
    CliRunner admin = admin();
    ok2(aws(admin, "s3", "mb", "s3://revoke-data"));
    String trust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
         "Action":"sts:AssumeRole"}]}""";
    ok(aws(admin, "iam", "create-role", "--role-name", "worker", "--assume-role-policy-document", trust));
    ok(aws(admin, "iam", "attach-role-policy", "--role-name", "worker", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    CliRunner before = sessionOf(ok(aws(admin, "sts", "assume-role", "--role-arn",
        "arn:aws:iam::123456789012:role/worker", "--role-session-name", "early")));
    ok2(aws(before, "s3", "ls", "s3://revoke-data"));
    Thread.sleep(1100); // token issue times have second precision
    String cutoff = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    // What the AWS console's "Revoke active sessions" writes.
    ok(aws(admin, "iam", "put-role-policy", "--role-name", "worker", "--policy-name", "AWSRevokeOlderSessions",
        "--policy-document", """
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],
         "Condition":{"DateLessThan":{"aws:TokenIssueTime":"%s"}}}]}""".formatted(cutoff)));
    fails(aws(before, "s3", "ls", "s3://revoke-data"), "AccessDenied");
    Thread.sleep(1100);
    CliRunner after = sessionOf(ok(aws(admin, "sts", "assume-role", "--role-arn",
        "arn:aws:iam::123456789012:role/worker", "--role-session-name", "late")));
    ok2(aws(after, "s3", "ls", "s3://revoke-data"));
  }

  @Test
  void groupPoliciesReachTheirMembersAndLeaveWithThem() throws Exception {
    CliRunner admin = admin();
    ok2(aws(admin, "s3", "mb", "s3://group-data"));
    ok(aws(admin, "iam", "create-user", "--user-name", "carol"));
    JsonNode key = ok(aws(admin, "iam", "create-access-key", "--user-name", "carol"));
    CliRunner carol = new CliRunner(CliRunner.awsEnv(work, key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));
    fails(aws(carol, "s3", "ls", "s3://group-data"), "AccessDenied");

    assertTrue(ok(aws(admin, "iam", "create-group", "--group-name", "readers")).at("/Group/Arn").asText()
        .equals("arn:aws:iam::123456789012:group/readers"));
    fails(aws(admin, "iam", "create-group", "--group-name", "readers"), "EntityAlreadyExists");
    ok(aws(admin, "iam", "attach-group-policy", "--group-name", "readers", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    ok(aws(admin, "iam", "add-user-to-group", "--group-name", "readers", "--user-name", "carol"));
    ok2(aws(carol, "s3", "ls", "s3://group-data"));
    assertEquals("readers", ok(aws(admin, "iam", "list-groups-for-user", "--user-name", "carol"))
        .at("/Groups/0/GroupName").asText());
    assertEquals("carol", ok(aws(admin, "iam", "get-group", "--group-name", "readers")).at("/Users/0/UserName").asText());
    fails(aws(admin, "iam", "delete-group", "--group-name", "readers"), "DeleteConflict");
    fails(aws(admin, "iam", "delete-user", "--user-name", "carol"), "DeleteConflict");

    ok(aws(admin, "iam", "remove-user-from-group", "--group-name", "readers", "--user-name", "carol"));
    fails(aws(carol, "s3", "ls", "s3://group-data"), "AccessDenied");
    ok(aws(admin, "iam", "detach-group-policy", "--group-name", "readers", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    ok(aws(admin, "iam", "delete-group", "--group-name", "readers"));
    assertEquals(0, ok(aws(admin, "iam", "list-groups")).get("Groups").size());
  }

  @Test
  void customerManagedPoliciesAndTheirVersionsDecideForWhoeverHasThemAttached() throws Exception {
    CliRunner admin = admin();
    ok2(aws(admin, "s3", "mb", "s3://managed-a"));
    ok2(aws(admin, "s3", "mb", "s3://managed-b"));
    ok(aws(admin, "iam", "create-user", "--user-name", "dave"));
    JsonNode key = ok(aws(admin, "iam", "create-access-key", "--user-name", "dave"));
    CliRunner dave = new CliRunner(CliRunner.awsEnv(work, key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));
    String listA = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
        + "\"Resource\":\"arn:aws:s3:::managed-a\"}]}";
    String listB = listA.replace("managed-a", "managed-b");
    String arn = ok(aws(admin, "iam", "create-policy", "--policy-name", "lister", "--policy-document", listA))
        .at("/Policy/Arn").asText();
    assertEquals("arn:aws:iam::123456789012:policy/lister", arn);
    fails(aws(admin, "iam", "create-policy", "--policy-name", "lister", "--policy-document", listA),
        "EntityAlreadyExists");
    ok(aws(admin, "iam", "attach-user-policy", "--user-name", "dave", "--policy-arn", arn));
    ok2(aws(dave, "s3", "ls", "s3://managed-a"));
    fails(aws(dave, "s3", "ls", "s3://managed-b"), "AccessDenied");
    assertEquals("1", ok(aws(admin, "iam", "get-policy", "--policy-arn", arn)).at("/Policy/AttachmentCount")
        .asText());

    ok(aws(admin, "iam", "create-policy-version", "--policy-arn", arn, "--policy-document", listB,
        "--set-as-default"));
    ok2(aws(dave, "s3", "ls", "s3://managed-b"));
    fails(aws(dave, "s3", "ls", "s3://managed-a"), "AccessDenied");
    assertEquals(2, ok(aws(admin, "iam", "list-policy-versions", "--policy-arn", arn)).get("Versions").size());
    fails(aws(admin, "iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v2"), "DeleteConflict");
    fails(aws(admin, "iam", "delete-policy", "--policy-arn", arn), "DeleteConflict");
    fails(aws(admin, "iam", "create-policy-version", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "--policy-document", listA), "AccessDenied");

    ok(aws(admin, "iam", "detach-user-policy", "--user-name", "dave", "--policy-arn", arn));
    fails(aws(dave, "s3", "ls", "s3://managed-b"), "AccessDenied");
    ok(aws(admin, "iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v1"));
    ok(aws(admin, "iam", "delete-policy", "--policy-arn", arn));
    fails(aws(admin, "iam", "get-policy", "--policy-arn", arn), "NoSuchEntity");
  }

  private CliRunner sessionOf(JsonNode assumed) {
    Map<String, String> env = new HashMap<>(CliRunner.awsEnv(work,
        assumed.at("/Credentials/AccessKeyId").asText(), assumed.at("/Credentials/SecretAccessKey").asText()));
    env.put("AWS_SESSION_TOKEN", assumed.at("/Credentials/SessionToken").asText());
    return new CliRunner(env);
  }

  private static String ok2(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r.stdout();
  }
}
