package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow mode forwards what policies would deny, but never an unauthenticated request and never a
 * write of state the proxy owns (bucket policies) that the caller could not have made (issue 9).
 */
@Timeout(120)
class ShadowModeLimitsTest {
  static final Credentials NOBODY = Credentials.of("AKIANOBODY0000000001", "nobody-secret-nobody-secret-nobody-000");

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: nobody
          accessKeys: [{id: AKIANOBODY0000000001, secret: nobody-secret-nobody-secret-nobody-000}]
      """).shadowMode();

  @TempDir Path dir;

  @Test
  void anonymousWritesAreRefusedEvenInShadowMode() throws Exception {
    proxy.adminClient().put("/shadowed", "");
    HttpResponse<String> put = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/shadowed/anon"))
            .PUT(HttpRequest.BodyPublishers.ofString("anonymous bytes")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, put.statusCode(), put.body());
    assertEquals("AccessDenied", RawS3Client.element(put.body(), "Code"));
    assertEquals("Access Denied", RawS3Client.element(put.body(), "Message"));
    assertFalse(proxy.backend().exists("shadowed", "anon"));
  }

  @Test
  void aCallerWithoutPermissionsCannotStoreABucketPolicy() throws Exception {
    proxy.adminClient().put("/owned", "");
    Path policy = dir.resolve("p.json");
    Files.writeString(policy, """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
         "Action":"s3:GetObject","Resource":"arn:aws:s3:::owned/*"}]}""");
    CliRunner.Result r = new CliRunner(CliRunner.awsEnv(dir, NOBODY.accessKeyId(), NOBODY.secretAccessKey()))
        .run(dir, "/usr/bin/aws", "--endpoint-url", proxy.endpoint(), "s3api", "put-bucket-policy", "--bucket",
            "owned", "--policy", "file://" + policy);
    assertNotEquals(0, r.exitCode(), r.all());
    assertTrue(r.stderr().contains("AccessDenied"), r.all());
    HttpResponse<String> stored = proxy.adminClient().get("/owned?policy");
    assertEquals(404, stored.statusCode(), stored.body());
    assertEquals("NoSuchBucketPolicy", RawS3Client.element(stored.body(), "Code"));
  }

  @Test
  void anAuthenticatedReadPolicyWouldDenyStillGoesThrough() throws Exception {
    proxy.adminClient().put("/reads", "");
    proxy.adminClient().put("/reads/k", "v");
    HttpResponse<String> get = proxy.client(NOBODY).get("/reads/k");
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("v", get.body());
  }
}
