package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code accountId: ""}: Ceph RGW's tenant-less ARNs, with the AWS CLI v2. Roles trust users named
 * {@code arn:aws:iam:::user/NAME}, ARNs come back without an account, and a role policy written
 * for RGW (with a Principal) still decides S3 requests.
 */
@Timeout(300)
class RgwTenantlessCliTest {
  static final Credentials ALT = Credentials.of("AKIARGWALT0000000001", "rgw-alt-secret-rgw-alt-secret-00");
  static final Credentials MAIN = Credentials.of("AKIARGWMAIN000000001", "rgw-main-secret-rgw-main-secret0");

  @TempDir Path work;

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      accountId: ""
      users:
        - name: alt
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
        - name: main
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
      """.formatted(ALT.accessKeyId(), ALT.secretAccessKey(), MAIN.accessKeyId(), MAIN.secretAccessKey()));

  @Test
  void rolesTrustTenantlessUsersAndAnswerWithTenantlessArns() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    admin.ok("s3api", "create-bucket", "--bucket", "rgw-b");
    admin.ok("s3api", "put-object", "--bucket", "rgw-b", "--key", "k", "--body", write("k.txt", "hello"));
    JsonNode role = admin.ok("iam", "create-role", "--role-name", "reader", "--assume-role-policy-document",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "[\"arn:aws:iam:::user/alt\"]},\"Action\":[\"sts:AssumeRole\"]}]}");
    String roleArn = role.at("/Role/Arn").asText();
    assertEquals("arn:aws:iam:::role/reader", roleArn);
    admin.ok("iam", "put-role-policy", "--role-name", "reader", "--policy-name", "get", "--policy-document",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
            + "\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::*\"}}");
    admin.fails("MalformedPolicyDocument", "iam", "put-role-policy", "--role-name", "reader", "--policy-name", "bad",
        "--policy-document", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\","
            + "\"Principal\":\"arn:aws:iam:::username\",\"Resource\":\"*\"}}");

    assertEquals("arn:aws:iam:::user/alt", admin.as(ALT).ok("sts", "get-caller-identity").get("Arn").asText());
    admin.as(MAIN).fails("AccessDenied", "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "m1");
    JsonNode assumed = admin.as(ALT).ok("sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "s1");
    assertEquals("arn:aws:sts:::assumed-role/reader/s1", assumed.at("/AssumedRoleUser/Arn").asText());
    Credentials session = new Credentials(assumed.at("/Credentials/AccessKeyId").asText(),
        assumed.at("/Credentials/SecretAccessKey").asText(), assumed.at("/Credentials/SessionToken").asText());
    AwsCli asSession = admin.as(session);
    JsonNode who = asSession.ok("sts", "get-caller-identity");
    assertEquals("arn:aws:sts:::assumed-role/reader/s1", who.get("Arn").asText());
    assertEquals("", who.get("Account").asText());

    // The role policy (its Principal ignored) allows GetObject and nothing else.
    asSession.ok("s3api", "get-object", "--bucket", "rgw-b", "--key", "k", work.resolve("out").toString());
    asSession.fails("AccessDenied", "s3api", "put-object", "--bucket", "rgw-b", "--key", "k2", "--body",
        write("k2.txt", "no"));
    asSession.fails("AccessDenied", "s3api", "list-objects-v2", "--bucket", "rgw-b");
  }

  private String write(String name, String text) throws Exception {
    Path p = work.resolve(name);
    java.nio.file.Files.writeString(p, text);
    return p.toString();
  }
}
