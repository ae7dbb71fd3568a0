package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bucket tagging with the AWS CLI v2: the proxy keeps the tags (the backend is never asked to),
 * refuses what S3 refuses, keeps them across a restart, forgets them with the bucket, and policies
 * condition on them: an identity policy on {@code aws:ResourceTag/team} allows on the tagged bucket
 * only, per resource for a copy, and follows a tag change at once.
 */
@Timeout(300)
class BucketTaggingCliTest {
  static final Credentials ANALYST = Credentials.of("AKIATAGANALYST000001", "tag-analyst-secret-tag-analyst-sec01");

  @TempDir Path work;

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: analyst
          accessKeys: [{id: %s, secret: %s}]
          policies:
            abac:
              Version: "2012-10-17"
              Statement:
                - Effect: Allow
                  Action: [s3:ListBucket, s3:GetObject, s3:PutObject]
                  Resource: "*"
                  Condition: {StringEquals: {"aws:ResourceTag/team": "data"}}
      """.formatted(ANALYST.accessKeyId(), ANALYST.secretAccessKey()));

  private String file(String name, String text) throws Exception {
    Path p = work.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  @Test
  void tagsAreKeptCheckedAndForgottenWithTheBucket() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    admin.fails("NoSuchBucket", "s3api", "put-bucket-tagging", "--bucket", "nobucket", "--tagging",
        "TagSet=[{Key=team,Value=data}]");
    admin.ok("s3api", "create-bucket", "--bucket", "tags");
    admin.fails("NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", "tags");

    admin.fails("InvalidTag", "s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging",
        "TagSet=[{Key=team,Value=data},{Key=team,Value=ops}]");
    admin.fails("InvalidTag", "s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging",
        "TagSet=[{Key=aws:owner,Value=me}]");
    admin.fails("InvalidTag", "s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging",
        "TagSet=[{Key=bad*key,Value=v}]");
    admin.fails("NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", "tags");

    admin.ok("s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging",
        "{\"TagSet\":[{\"Key\":\"team\",\"Value\":\"data\"},{\"Key\":\"cost center\",\"Value\":\"\"}]}");
    JsonNode set = admin.ok("s3api", "get-bucket-tagging", "--bucket", "tags").get("TagSet");
    assertEquals(2, set.size(), set.toString());
    assertEquals("team", set.get(0).get("Key").asText());
    assertEquals("data", set.get(0).get("Value").asText());
    assertEquals("cost center", set.get(1).get("Key").asText());
    assertEquals("", set.get(1).get("Value").asText());

    // The raw wire: a malformed body, a Content-MD5 that is not the body's, and the status codes.
    RawS3Client raw = proxy.adminClient();
    HttpResponse<String> malformed = raw.put("/tags?tagging", "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet>");
    assertEquals(400, malformed.statusCode());
    assertTrue(malformed.body().contains("<Code>MalformedXML</Code>"), malformed.body());
    byte[] body = "<Tagging><TagSet><Tag><Key>x</Key><Value>y</Value></Tag></TagSet></Tagging>"
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> digest = raw.send("PUT", "/tags?tagging", body, Map.of("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="));
    assertEquals(400, digest.statusCode());
    assertTrue(digest.body().contains("<Code>BadDigest</Code>"), digest.body());
    HttpResponse<String> put = raw.send("PUT", "/tags?tagging", body, Map.of("content-md5",
        java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(body))));
    assertEquals(204, put.statusCode(), put.body());
    assertEquals("x", admin.ok("s3api", "get-bucket-tagging", "--bucket", "tags").at("/TagSet/0/Key").asText());
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging",
        "{\"TagSet\":[{\"Key\":\"team\",\"Value\":\"data\"},{\"Key\":\"cost center\",\"Value\":\"\"}]}");
    assertEquals("data", admin.ok("s3api", "get-bucket-tagging", "--bucket", "tags").at("/TagSet/0/Value").asText());

    // Kept as state: a restarted proxy reads them back.
    proxy.restart();
    admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    assertEquals(2, admin.ok("s3api", "get-bucket-tagging", "--bucket", "tags").get("TagSet").size());

    assertEquals(204, proxy.adminClient().delete("/tags?tagging").statusCode(), "DeleteBucketTagging answers 204");
    admin.fails("NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", "tags");
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging", "TagSet=[{Key=team,Value=data}]");
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging", "TagSet=[]");
    admin.fails("NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", "tags");

    admin.ok("s3api", "put-bucket-tagging", "--bucket", "tags", "--tagging", "TagSet=[{Key=team,Value=data}]");
    admin.ok("s3api", "delete-bucket", "--bucket", "tags");
    admin.ok("s3api", "create-bucket", "--bucket", "tags");
    admin.fails("NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", "tags");
  }

  @Test
  void policiesConditionOnTheBucketsTags() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    AwsCli analyst = admin.as(ANALYST);
    for (String b : new String[] {"data-b", "plain-b", "ops-b"}) {
      admin.ok("s3api", "create-bucket", "--bucket", b);
      admin.ok("s3api", "put-object", "--bucket", b, "--key", "seed", "--body", file("seed.txt", "seed"));
    }
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "data-b", "--tagging", "TagSet=[{Key=team,Value=data}]");
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "ops-b", "--tagging", "TagSet=[{Key=team,Value=ops}]");

    String f = file("f.txt", "hello");
    analyst.ok("s3api", "put-object", "--bucket", "data-b", "--key", "k", "--body", f);
    analyst.ok("s3api", "get-object", "--bucket", "data-b", "--key", "k", work.resolve("out.txt").toString());
    assertEquals("hello", Files.readString(work.resolve("out.txt")));
    analyst.ok("s3api", "list-objects-v2", "--bucket", "data-b");
    analyst.fails("AccessDenied", "s3api", "put-object", "--bucket", "plain-b", "--key", "k", "--body", f);
    analyst.fails("AccessDenied", "s3api", "put-object", "--bucket", "ops-b", "--key", "k", "--body", f);
    analyst.fails("AccessDenied", "s3api", "list-objects-v2", "--bucket", "plain-b");
    // Tags are not the analyst's to change: s3:PutBucketTagging is not in the policy.
    analyst.fails("AccessDenied", "s3api", "put-bucket-tagging", "--bucket", "plain-b", "--tagging",
        "TagSet=[{Key=team,Value=data}]");

    // A copy is judged per resource: the source read by the source bucket's tags.
    analyst.ok("s3api", "copy-object", "--bucket", "data-b", "--key", "k2", "--copy-source", "data-b/k");
    analyst.fails("AccessDenied", "s3api", "copy-object", "--bucket", "data-b", "--key", "k3",
        "--copy-source", "ops-b/seed");
    analyst.fails("AccessDenied", "s3api", "copy-object", "--bucket", "plain-b", "--key", "k3",
        "--copy-source", "data-b/k");

    // A tag change is in force for the next request.
    admin.ok("s3api", "put-bucket-tagging", "--bucket", "plain-b", "--tagging", "TagSet=[{Key=team,Value=data}]");
    analyst.ok("s3api", "put-object", "--bucket", "plain-b", "--key", "k", "--body", f);
    admin.ok("s3api", "delete-bucket-tagging", "--bucket", "data-b");
    analyst.fails("AccessDenied", "s3api", "get-object", "--bucket", "data-b", "--key", "k",
        work.resolve("out2.txt").toString());
  }
}
