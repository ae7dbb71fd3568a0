package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** S3's rule: a missing key is 404 only to a caller allowed s3:ListBucket; 403 to anyone else. */
@Timeout(60)
class MissingKeyVisibilityTest {
  static final String LISTER = "AKIALISTER0000000001";
  static final String GETTER = "AKIAGETTER0000000001";
  static final String SECRET = "secret-secret-secret-secret-secret-00000";

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: lister
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        - name: getter
          accessKeys: [{id: %s, secret: %s}]
          policies:
            get: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
      """.formatted(LISTER, SECRET, GETTER, SECRET));

  @BeforeAll
  static void bucket() throws Exception {
    assertEquals(200, proxy.adminClient().put("/visible", "").statusCode());
  }

  private static HttpResponse<String> as(String key, String method) throws Exception {
    return proxy.client(key, SECRET).send(method, "/visible/no-such-key", new byte[0], Map.of());
  }

  @Test
  void callerAllowedToListSees404() throws Exception {
    assertEquals(404, as(LISTER, "HEAD").statusCode());
    HttpResponse<String> get = as(LISTER, "GET");
    assertEquals(404, get.statusCode());
    assertEquals("NoSuchKey", RawS3Client.element(get.body(), "Code"));
  }

  @Test
  void callerNotAllowedToListSees403() throws Exception {
    assertEquals(403, as(GETTER, "HEAD").statusCode());
    HttpResponse<String> get = as(GETTER, "GET");
    assertEquals(403, get.statusCode());
    assertEquals("AccessDenied", RawS3Client.element(get.body(), "Code"));
  }
}
