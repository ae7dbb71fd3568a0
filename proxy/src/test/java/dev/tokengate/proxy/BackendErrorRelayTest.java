package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.tokengate.proxy.harness.BackendSpy;
import dev.tokengate.proxy.harness.CannedResponse;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend's error answers reach the client as the proxy's own S3 errors: the backend's Code and
 * Message, our request id and Resource, and nothing of what the backend disclosed about itself.
 */
@Timeout(60)
class BackendErrorRelayTest {
  /** What the fake backend answers; each test sets it. */
  private volatile BackendSpy.Responder script = r -> CannedResponse.of(500);

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults().fakeBackend(r -> script.answer(r));
  @TempDir Path dir;
  private LogCapture log;

  @BeforeEach
  void capture() {
    log = new LogCapture();
  }

  @AfterEach
  void release() {
    log.close();
  }

  private void answer(BackendSpy.Responder next) {
    script = next;
  }

  private static CannedResponse xml(int status, String body, String... headers) {
    return reply(status, headers).withHeader("Content-Type", "application/xml")
        .withBody(body.getBytes(StandardCharsets.UTF_8));
  }

  private static CannedResponse reply(int status, String... headers) {
    CannedResponse r = CannedResponse.of(status);
    for (int i = 0; i < headers.length; i += 2) {
      r = r.withHeader(headers[i], headers[i + 1]);
    }
    return r;
  }

  private String backendKey() {
    return proxy.backendConfig().accessKey();
  }

  private int backendPort() {
    return URI.create(proxy.backendConfig().endpoint()).getPort();
  }

  private HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
    return proxy.adminClient().send(method, path, new byte[0], headers);
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return send(method, path, Map.of());
  }

  /** What a backend error body may disclose; none of it may reach the client. */
  private String disclosing(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
        + "</Message><AWSAccessKeyId>" + backendKey() + "</AWSAccessKeyId>"
        + "<StringToSign>AWS4-HMAC-SHA256\n20250101T000000Z</StringToSign>"
        + "<CanonicalRequest>GET\n/b/k\n\nhost:127.0.0.1:" + backendPort() + "</CanonicalRequest>"
        + "<RequestId>BACKEND-REQUEST-ID</RequestId><HostId>BACKEND-HOST-ID</HostId></Error>";
  }

  private void assertOurs(HttpResponse<String> r, String code, int status) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(code, RawS3Client.element(r.body(), "Code"), r.body());
    String ours = r.headers().firstValue("x-amz-request-id").orElseThrow();
    assertEquals(ours, RawS3Client.element(r.body(), "RequestId"), "header and body carry our request id");
    assertEquals("tokengate", RawS3Client.element(r.body(), "HostId"));
    for (String secret : List.of(backendKey(), "BACKEND-REQUEST-ID", "BACKEND-HOST-ID", "StringToSign",
        "CanonicalRequest", "AWSAccessKeyId", Integer.toString(backendPort()))) {
      assertFalse(r.body().contains(secret), secret + " in " + r.body());
      r.headers().map().forEach((k, v) -> assertFalse(v.toString().contains(secret), k + ": " + v));
    }
    assertTrue(r.headers().firstValue("x-amz-id-2").isEmpty());
    assertTrue(r.headers().firstValue("location").isEmpty());
  }

  @Test
  void signatureMismatchAtTheBackendIsOurInternalErrorAndOneWarning() throws Exception {
    answer(r -> xml(403, disclosing("SignatureDoesNotMatch", "The request signature we calculated does not match"),
        "x-amz-request-id", "BACKEND-REQUEST-ID", "x-amz-id-2", "BACKEND-HOST-ID"));
    HttpResponse<String> r = send("GET", "/bkt/a+b%7Ec");
    assertOurs(r, "InternalError", 500);
    assertEquals("We encountered an internal error. Please try again.", RawS3Client.element(r.body(), "Message"));
    List<String> warnings = log.at(Level.WARN);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("SignatureDoesNotMatch") && warnings.get(0).contains("backend.secretKey"), warnings.get(0));
    assertFalse(warnings.get(0).contains(backendKey()), warnings.get(0));
    assertTrue(log.withStackTraces().isEmpty());
  }

  @Test
  void otherAuthenticationRefusalsAreInternalErrorsToo() throws Exception {
    for (String code : List.of("InvalidAccessKeyId", "AuthorizationHeaderMalformed", "RequestTimeTooSkewed")) {
      answer(r -> xml(code.equals("AuthorizationHeaderMalformed") ? 400 : 403, disclosing(code, "m")));
      assertOurs(send("GET", "/bkt/k"), "InternalError", 500);
    }
    assertEquals(3, log.at(Level.WARN).size(), log.at(Level.WARN).toString());
  }

  @Test
  void clientErrorsKeepTheBackendsCodeAndMessage() throws Exception {
    answer(r -> xml(404, disclosing("NoSuchKey", "The specified key does not exist."),
        "x-amz-request-id", "BACKEND-REQUEST-ID", "x-amz-id-2", "BACKEND-HOST-ID"));
    HttpResponse<String> missing = send("GET", "/bkt/no%20such/key");
    assertOurs(missing, "NoSuchKey", 404);
    assertEquals("The specified key does not exist.", RawS3Client.element(missing.body(), "Message"));
    assertEquals("/bkt/no such/key", RawS3Client.element(missing.body(), "Resource"));

    answer(r -> xml(409, disclosing("BucketNotEmpty", "The bucket you tried to delete is not empty")));
    assertOurs(send("DELETE", "/bkt"), "BucketNotEmpty", 409);

    answer(r -> xml(412, disclosing("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")));
    assertOurs(send("GET", "/bkt/k", Map.of("If-Match", "\"nope\"")), "PreconditionFailed", 412);

    answer(r -> xml(416, disclosing("InvalidRange", "The requested range is not satisfiable"),
        "Content-Range", "bytes */5"));
    HttpResponse<String> range = send("GET", "/bkt/k", Map.of("Range", "bytes=10-20"));
    assertOurs(range, "InvalidRange", 416);
    assertEquals("bytes */5", range.headers().firstValue("content-range").orElse(null));

    answer(r -> xml(503, disclosing("SlowDown", "Please reduce your request rate."), "Retry-After", "2"));
    HttpResponse<String> slow = send("GET", "/bkt/k");
    assertOurs(slow, "SlowDown", 503);
    assertEquals("2", slow.headers().firstValue("retry-after").orElse(null));
    assertTrue(log.at(Level.WARN).isEmpty(), log.at(Level.WARN).toString());
  }

  @Test
  void redirectsAreNeverPassedOn() throws Exception {
    for (int status : new int[] {301, 307}) {
      answer(r -> xml(status, "<Error><Code>" + (status == 301 ? "PermanentRedirect" : "TemporaryRedirect")
              + "</Code><Message>use the other endpoint</Message><Endpoint>b.backend.internal</Endpoint>"
              + "<Bucket>b</Bucket></Error>",
          "Location", "http://b.backend.internal:" + backendPort() + "/k", "x-amz-bucket-region", "eu-west-3"));
      HttpResponse<String> r = send("GET", "/bkt/k");
      assertOurs(r, "InternalError", 500);
      assertFalse(r.body().contains("backend.internal"), r.body());
      assertTrue(r.headers().firstValue("x-amz-bucket-region").isEmpty());
    }
    assertEquals(2, log.at(Level.WARN).size());
  }

  @Test
  void notModifiedAndSuccessPassThrough() throws Exception {
    answer(r -> reply(304, "ETag", "\"abc\""));
    HttpResponse<String> notModified = send("GET", "/bkt/k", Map.of("If-None-Match", "\"abc\""));
    assertEquals(304, notModified.statusCode());
    assertEquals("\"abc\"", notModified.headers().firstValue("etag").orElse(null));
    answer(r -> reply(200, "Content-Type", "text/plain").withBody("object bytes".getBytes(StandardCharsets.UTF_8)));
    HttpResponse<String> ok = send("GET", "/bkt/k");
    assertEquals(200, ok.statusCode());
    assertEquals("object bytes", ok.body());
  }

  @Test
  void headErrorsKeepTheirStatusWithoutABody() throws Exception {
    answer(r -> reply(404, "x-amz-request-id", "BACKEND-REQUEST-ID"));
    HttpResponse<String> missing = send("HEAD", "/bkt/k");
    assertEquals(404, missing.statusCode());
    assertEquals("", missing.body());
    assertFalse(missing.headers().firstValue("x-amz-request-id").orElseThrow().equals("BACKEND-REQUEST-ID"));
    answer(r -> reply(403));
    assertEquals(403, send("HEAD", "/bkt/k").statusCode());
    answer(r -> reply(301, "Location", "http://elsewhere/"));
    HttpResponse<String> moved = send("HEAD", "/bkt");
    assertEquals(500, moved.statusCode());
    assertTrue(moved.headers().firstValue("location").isEmpty());
  }

  @Test
  void unreadableBodiesAreOurOwnErrors() throws Exception {
    answer(r -> reply(502, "Content-Type", "text/html").withBody("<html>Bad Gateway from 10.0.0.7</html>".getBytes(StandardCharsets.UTF_8)));
    HttpResponse<String> gateway = send("GET", "/bkt/k");
    assertOurs(gateway, "ServiceUnavailable", 503);
    assertFalse(gateway.body().contains("10.0.0.7"));
    answer(r -> reply(400).withBody("not xml at all".getBytes(StandardCharsets.UTF_8)));
    assertOurs(send("GET", "/bkt/k"), "InternalError", 500);
    assertEquals(2, log.at(Level.WARN).size());
  }

  @Test
  void entitiesAreNeverExpanded() throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "FILE-CONTENT-SECRET");
    answer(r -> xml(404, "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY x SYSTEM \"" + secret.toUri()
        + "\">]><Error><Code>NoSuchKey</Code><Message>&x;</Message></Error>"));
    HttpResponse<String> r = send("GET", "/bkt/k");
    assertFalse(r.body().contains("FILE-CONTENT-SECRET"), r.body());
    assertOurs(r, "InternalError", 500);
  }

  @Test
  void aHugeErrorBodyIsBoundedAndTheConnectionStaysUsable() throws Exception {
    String huge = "<Error><Code>InvalidArgument</Code><Message>too big</Message><Pad>" + "x".repeat(2 * 1024 * 1024)
        + "</Pad></Error>";
    answer(r -> xml(400, huge));
    HttpResponse<String> r = send("GET", "/bkt/k");
    assertOurs(r, "InvalidArgument", 400);
    assertTrue(r.body().length() < 1024, "length " + r.body().length());
    answer(r2 -> reply(200).withBody("fine".getBytes(StandardCharsets.UTF_8)));
    assertEquals("fine", send("GET", "/bkt/k").body());
  }

  @Test
  void listingAMissingBucketIsNoSuchBucketAndReachedTheBackendOnce() throws Exception {
    answer(r -> xml(404, disclosing("NoSuchBucket", "The specified bucket does not exist")));
    HttpResponse<String> r = send("GET", "/nobucket?list-type=2");
    assertOurs(r, "NoSuchBucket", 404);
    assertEquals("/nobucket", RawS3Client.element(r.body(), "Resource"));
    assertEquals("/nobucket?list-type=2", proxy.spy().onlyRequest().target());
  }

  @Test
  void aCopyFailureReportedInA200IsAnsweredAsTheProxysOwnError() throws Exception {
    answer(r -> xml(200, disclosing("InternalError", "We encountered an internal error. Please try again.")));
    HttpResponse<String> copy = send("PUT", "/bkt/dst", Map.of("x-amz-copy-source", "/bkt/src"));
    assertOurs(copy, "InternalError", 500);

    String result = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyObjectResult><ETag>\"e\"</ETag>"
        + "<LastModified>2026-01-01T00:00:00.000Z</LastModified></CopyObjectResult>";
    answer(r -> xml(200, result));
    HttpResponse<String> ok = send("PUT", "/bkt/dst", Map.of("x-amz-copy-source", "/bkt/src"));
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(result, ok.body(), "a real result passes unchanged");
  }
}
