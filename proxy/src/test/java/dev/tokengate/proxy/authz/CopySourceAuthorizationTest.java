package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy's source read is judged by the source bucket's policy, as on AWS (issue 9): a bucket
 * policy on one's own bucket cannot grant reads of another bucket's objects, and the source
 * bucket's explicit Deny stops a copy to anywhere. Driven with the AWS CLI v2.
 */
@Timeout(180)
class CopySourceAuthorizationTest {
  static final Credentials MALLORY = Credentials.of("AKIAMALLORY000000001", "mallory-secret-mallory-secret-mallory-0");
  static final Credentials WIDE = Credentials.of("AKIAWIDE000000000001", "wide-secret-wide-secret-wide-secret-000");

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: mallory
          accessKeys: [{id: AKIAMALLORY000000001, secret: mallory-secret-mallory-secret-mallory-0}]
          policies:
            own-bucket:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "s3:*", Resource: ["arn:aws:s3:::mallory", "arn:aws:s3:::mallory/*"]}
        - name: wide
          accessKeys: [{id: AKIAWIDE000000000001, secret: wide-secret-wide-secret-wide-secret-000}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
      """);

  @TempDir Path dir;

  private CliRunner.Result aws(Credentials who, String... args) throws Exception {
    String[] command = new String[args.length + 3];
    command[0] = "/usr/bin/aws";
    command[1] = "--endpoint-url";
    command[2] = proxy.endpoint();
    System.arraycopy(args, 0, command, 3, args.length);
    return new CliRunner(CliRunner.awsEnv(dir, who.accessKeyId(), who.secretAccessKey())).run(dir, command);
  }

  private void setUpBuckets() throws Exception {
    var admin = proxy.adminClient();
    for (String b : new String[] {"victim", "mallory", "elsewhere"}) {
      admin.put("/" + b, "");
    }
    assertEquals(200, admin.put("/victim/secret", "the victim's secret").statusCode());
  }

  @Test
  void aBucketPolicyOnOnesOwnBucketDoesNotReachAnotherBucketsObjects() throws Exception {
    setUpBuckets();
    // Whether or not the proxy stores this policy, it may not widen reads of "victim".
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::123456789012:user/mallory"},
         "Action":"s3:GetObject","Resource":"arn:aws:s3:::victim/*"}]}""");
    aws(MALLORY, "s3api", "put-bucket-policy", "--bucket", "mallory", "--policy", "file://" + policy);

    CliRunner.Result copy = aws(MALLORY, "s3api", "copy-object", "--bucket", "mallory", "--key", "stolen",
        "--copy-source", "victim/secret");
    assertNotEquals(0, copy.exitCode(), copy.all());
    assertTrue(copy.stderr().contains("AccessDenied"), copy.all());
    assertFalse(proxy.backend().exists("mallory", "stolen"), "nothing was copied");

    CliRunner.Result part = aws(MALLORY, "s3api", "create-multipart-upload", "--bucket", "mallory", "--key", "p");
    assertEquals(0, part.exitCode(), part.all());
    String uploadId = part.stdout().replaceAll("(?s).*\"UploadId\": \"([^\"]+)\".*", "$1");
    CliRunner.Result partCopy = aws(MALLORY, "s3api", "upload-part-copy", "--bucket", "mallory", "--key", "p",
        "--upload-id", uploadId, "--part-number", "1", "--copy-source", "victim/secret");
    assertNotEquals(0, partCopy.exitCode(), partCopy.all());
    assertTrue(partCopy.stderr().contains("AccessDenied"), partCopy.all());
    aws(MALLORY, "s3api", "abort-multipart-upload", "--bucket", "mallory", "--key", "p", "--upload-id", uploadId);
  }

  @Test
  void theSourceBucketsExplicitDenyStopsACopyElsewhere() throws Exception {
    setUpBuckets();
    String deny = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny",
         "Principal":{"AWS":"arn:aws:iam::123456789012:user/wide"},
         "Action":"s3:GetObject","Resource":"arn:aws:s3:::victim/*"}]}""";
    assertEquals(204, proxy.adminClient().put("/victim?policy", deny).statusCode());

    CliRunner.Result get = aws(WIDE, "s3api", "get-object", "--bucket", "victim", "--key", "secret",
        dir.resolve("out").toString());
    assertNotEquals(0, get.exitCode(), get.all());
    CliRunner.Result copy = aws(WIDE, "s3api", "copy-object", "--bucket", "elsewhere", "--key", "copied",
        "--copy-source", "victim/secret");
    assertNotEquals(0, copy.exitCode(), copy.all());
    assertTrue(copy.stderr().contains("AccessDenied"), copy.all());
    assertFalse(proxy.backend().exists("elsewhere", "copied"));

    // Without the Deny the same copy goes through, so the refusal above was the source's policy.
    assertEquals(204, proxy.adminClient().delete("/victim?policy").statusCode());
    CliRunner.Result allowed = aws(WIDE, "s3api", "copy-object", "--bucket", "elsewhere", "--key", "copied",
        "--copy-source", "victim/secret");
    assertEquals(0, allowed.exitCode(), allowed.all());
    assertArrayEquals("the victim's secret".getBytes(StandardCharsets.UTF_8),
        proxy.backend().read("elsewhere", "copied").orElseThrow());
  }
}
