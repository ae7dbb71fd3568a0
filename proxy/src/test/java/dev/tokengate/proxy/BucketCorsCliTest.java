package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bucket CORS with the AWS CLI v2 and a browser's preflight: the proxy keeps the configuration,
 * answers OPTIONS from it, grants actual responses, and forgets it with the bucket.
 */
@Timeout(300)
class BucketCorsCliTest {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path work;

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults();

  private HttpResponse<String> preflight(String path, String origin, String method) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + path)).timeout(Duration.ofSeconds(20))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
        .header("Access-Control-Request-Method", method).header("Access-Control-Request-Headers", "authorization")
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void corsIsKeptAnsweredAndForgottenWithTheBucket() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    admin.ok("s3api", "create-bucket", "--bucket", "web");
    admin.fails("NoSuchCORSConfiguration", "s3api", "get-bucket-cors", "--bucket", "web");
    assertEquals(403, preflight("/web/index.html", "https://app.example", "GET").statusCode());

    admin.fails("InvalidRequest", "s3api", "put-bucket-cors", "--bucket", "web", "--cors-configuration",
        "{\"CORSRules\":[{\"AllowedOrigins\":[\"https://app.example\"],\"AllowedMethods\":[\"PATCH\"]}]}");
    admin.ok("s3api", "put-bucket-cors", "--bucket", "web", "--cors-configuration",
        "{\"CORSRules\":[{\"AllowedOrigins\":[\"https://*.example\"],\"AllowedMethods\":[\"GET\",\"PUT\"],"
            + "\"AllowedHeaders\":[\"*\"],\"ExposeHeaders\":[\"ETag\"],\"MaxAgeSeconds\":600}]}");
    JsonNode rules = admin.ok("s3api", "get-bucket-cors", "--bucket", "web").get("CORSRules");
    assertEquals("https://*.example", rules.get(0).at("/AllowedOrigins/0").asText());
    assertEquals(600, rules.get(0).get("MaxAgeSeconds").asInt());

    HttpResponse<String> ok = preflight("/web/index.html", "https://app.example", "PUT");
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals("https://app.example", ok.headers().firstValue("access-control-allow-origin").orElse(null));
    assertEquals("GET, PUT", ok.headers().firstValue("access-control-allow-methods").orElse(null));
    assertEquals("authorization", ok.headers().firstValue("access-control-allow-headers").orElse(null));
    HttpResponse<String> other = preflight("/web/index.html", "https://evil.test", "GET");
    assertEquals(403, other.statusCode());
    assertTrue(other.body().contains("<Code>AccessForbidden</Code>"), other.body());

    // An actual (here anonymous, so denied) request from the allowed origin carries the grant.
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/web/index.html"))
        .header("Origin", "https://app.example").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, get.statusCode());
    assertEquals("https://app.example", get.headers().firstValue("access-control-allow-origin").orElse(null));
    assertEquals("ETag", get.headers().firstValue("access-control-expose-headers").orElse(null));

    admin.ok("s3api", "delete-bucket-cors", "--bucket", "web");
    admin.fails("NoSuchCORSConfiguration", "s3api", "get-bucket-cors", "--bucket", "web");
    admin.ok("s3api", "put-bucket-cors", "--bucket", "web", "--cors-configuration",
        "{\"CORSRules\":[{\"AllowedOrigins\":[\"*\"],\"AllowedMethods\":[\"GET\"]}]}");
    admin.ok("s3api", "delete-bucket", "--bucket", "web");
    admin.ok("s3api", "create-bucket", "--bucket", "web");
    admin.fails("NoSuchCORSConfiguration", "s3api", "get-bucket-cors", "--bucket", "web");
    assertEquals(403, preflight("/web/x", "https://app.example", "GET").statusCode(), "gone with its bucket");
  }
}
