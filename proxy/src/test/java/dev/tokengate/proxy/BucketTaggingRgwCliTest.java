package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bucket tags in Ceph RGW's tenant-less dialect ({@code accountId: ""}), as ceph/s3-tests' ABAC
 * tests use them: a TagSet may give a key twice (RGW keeps both tags), and a policy on RGW's
 * {@code s3:ResourceTag/KEY} matches either value.
 */
@Timeout(300)
class BucketTaggingRgwCliTest {
  static final Credentials USER = Credentials.of("AKIARGWTAGUSER000001", "rgw-tag-user-secret-rgw-tag-user-01");

  @TempDir Path work;

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      accountId: ""
      users:
        - name: engineer
          accessKeys: [{id: %s, secret: %s}]
          policies:
            abac:
              Version: "2012-10-17"
              Statement:
                Effect: Allow
                Action: "s3:*"
                Resource: "arn:aws:s3:::*"
                Condition: {StringEquals: {"s3:ResourceTag/Department": ["Engineering"]}}
      """.formatted(USER.accessKeyId(), USER.secretAccessKey()));

  @Test
  void aRepeatedKeyIsKeptAndEitherValueMatches() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    AwsCli engineer = admin.as(USER);
    admin.ok("s3api", "create-bucket", "--bucket", "eng");
    admin.ok("s3api", "create-bucket", "--bucket", "untagged");
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "eng", "--tagging",
        "TagSet=[{Key=Department,Value=Marketing},{Key=Department,Value=Engineering}]");
    JsonNode set = admin.ok("s3api", "get-bucket-tagging", "--bucket", "eng").get("TagSet");
    assertEquals(2, set.size(), set.toString());
    assertEquals("Engineering", set.get(1).get("Value").asText());

    Path f = work.resolve("f.txt");
    Files.writeString(f, "body");
    engineer.ok("s3api", "put-object", "--bucket", "eng", "--key", "test-1.txt", "--body", f.toString());
    engineer.fails("AccessDenied", "s3api", "put-object", "--bucket", "untagged", "--key", "k", "--body", f.toString());
  }
}
