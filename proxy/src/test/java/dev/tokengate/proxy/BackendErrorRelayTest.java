package dev.tokengate.proxy;

import dev.tokengate.proxy.harness.RawS3Client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.tokengate.proxy.ScriptedBackend.Reply;
import dev.tokengate.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend's error answers reach the client as the proxy's own S3 errors: the backend's Code and
 * Message, our request id and Resource, and nothing of what the backend disclosed about itself.
 */
@Timeout(60)
class BackendErrorRelayTest {
  static final String BACKEND_KEY = "BACKENDAKID000000001";

  @TempDir Path dir;
  private ScriptedBackend backend;
  private ProxyServer server;
  private RawS3Client client;
  private LogCapture log;

  @BeforeEach
  void start() throws Exception {
    backend = new ScriptedBackend();
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        backend: {endpoint: "%s", accessKey: %s, secretKey: backend-secret-backend-secret-00}
        """.formatted(dir.resolve("d"), backend.endpoint(), BACKEND_KEY));
    server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
    client = new RawS3Client(server.endpoint());
    log = new LogCapture();
  }

  @AfterEach
  void stop() {
    log.close();
    server.close();
    backend.close();
  }

  private HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
    return client.send(method, path, new byte[0], server.admin().accessKeyId(), server.admin().secretAccessKey(),
        Instant.now(), headers);
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return send(method, path, Map.of());
  }

  /** What a backend error body may disclose; none of it may reach the client. */
  private String disclosing(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
        + "</Message><AWSAccessKeyId>" + BACKEND_KEY + "</AWSAccessKeyId>"
        + "<StringToSign>AWS4-HMAC-SHA256\n20250101T000000Z</StringToSign>"
        + "<CanonicalRequest>GET\n/b/k\n\nhost:127.0.0.1:" + backend.port() + "</CanonicalRequest>"
        + "<RequestId>BACKEND-REQUEST-ID</RequestId><HostId>BACKEND-HOST-ID</HostId></Error>";
  }

  private void assertOurs(HttpResponse<String> r, String code, int status) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(code, RawS3Client.element(r.body(), "Code"), r.body());
    String ours = r.headers().firstValue("x-amz-request-id").orElseThrow();
    assertEquals(ours, RawS3Client.element(r.body(), "RequestId"), "header and body carry our request id");
    assertEquals("tokengate", RawS3Client.element(r.body(), "HostId"));
    for (String secret : List.of(BACKEND_KEY, "BACKEND-REQUEST-ID", "BACKEND-HOST-ID", "StringToSign",
        "CanonicalRequest", "AWSAccessKeyId", Integer.toString(backend.port()))) {
      assertFalse(r.body().contains(secret), secret + " in " + r.body());
      r.headers().map().forEach((k, v) -> assertFalse(v.toString().contains(secret), k + ": " + v));
    }
    assertTrue(r.headers().firstValue("x-amz-id-2").isEmpty());
    assertTrue(r.headers().firstValue("location").isEmpty());
  }

  @Test
  void signatureMismatchAtTheBackendIsOurInternalErrorAndOneWarning() throws Exception {
    backend.answer(r -> Reply.xml(403, disclosing("SignatureDoesNotMatch", "The request signature we calculated does not match"),
        "x-amz-request-id", "BACKEND-REQUEST-ID", "x-amz-id-2", "BACKEND-HOST-ID"));
    HttpResponse<String> r = send("GET", "/b/a+b%7Ec");
    assertOurs(r, "InternalError", 500);
    assertEquals("We encountered an internal error. Please try again.", RawS3Client.element(r.body(), "Message"));
    List<String> warnings = log.at(Level.WARN);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("SignatureDoesNotMatch") && warnings.get(0).contains("backend.secretKey"), warnings.get(0));
    assertFalse(warnings.get(0).contains(BACKEND_KEY), warnings.get(0));
    assertTrue(log.withStackTraces().isEmpty());
  }

  @Test
  void otherAuthenticationRefusalsAreInternalErrorsToo() throws Exception {
    for (String code : List.of("InvalidAccessKeyId", "AuthorizationHeaderMalformed", "RequestTimeTooSkewed")) {
      backend.answer(r -> Reply.xml(code.equals("AuthorizationHeaderMalformed") ? 400 : 403, disclosing(code, "m")));
      assertOurs(send("GET", "/b/k"), "InternalError", 500);
    }
    assertEquals(3, log.at(Level.WARN).size(), log.at(Level.WARN).toString());
  }

  @Test
  void clientErrorsKeepTheBackendsCodeAndMessage() throws Exception {
    backend.answer(r -> Reply.xml(404, disclosing("NoSuchKey", "The specified key does not exist."),
        "x-amz-request-id", "BACKEND-REQUEST-ID", "x-amz-id-2", "BACKEND-HOST-ID"));
    HttpResponse<String> missing = send("GET", "/b/no%20such/key");
    assertOurs(missing, "NoSuchKey", 404);
    assertEquals("The specified key does not exist.", RawS3Client.element(missing.body(), "Message"));
    assertEquals("/b/no such/key", RawS3Client.element(missing.body(), "Resource"));

    backend.answer(r -> Reply.xml(409, disclosing("BucketNotEmpty", "The bucket you tried to delete is not empty")));
    assertOurs(send("DELETE", "/b"), "BucketNotEmpty", 409);

    backend.answer(r -> Reply.xml(412, disclosing("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")));
    assertOurs(send("GET", "/b/k", Map.of("If-Match", "\"nope\"")), "PreconditionFailed", 412);

    backend.answer(r -> Reply.xml(416, disclosing("InvalidRange", "The requested range is not satisfiable"),
        "Content-Range", "bytes */5"));
    HttpResponse<String> range = send("GET", "/b/k", Map.of("Range", "bytes=10-20"));
    assertOurs(range, "InvalidRange", 416);
    assertEquals("bytes */5", range.headers().firstValue("content-range").orElse(null));

    backend.answer(r -> Reply.xml(503, disclosing("SlowDown", "Please reduce your request rate."), "Retry-After", "2"));
    HttpResponse<String> slow = send("GET", "/b/k");
    assertOurs(slow, "SlowDown", 503);
    assertEquals("2", slow.headers().firstValue("retry-after").orElse(null));
    assertTrue(log.at(Level.WARN).isEmpty(), log.at(Level.WARN).toString());
  }

  @Test
  void redirectsAreNeverPassedOn() throws Exception {
    for (int status : new int[] {301, 307}) {
      backend.answer(r -> Reply.xml(status, "<Error><Code>" + (status == 301 ? "PermanentRedirect" : "TemporaryRedirect")
              + "</Code><Message>use the other endpoint</Message><Endpoint>b.backend.internal</Endpoint>"
              + "<Bucket>b</Bucket></Error>",
          "Location", "http://b.backend.internal:" + backend.port() + "/k", "x-amz-bucket-region", "eu-west-3"));
      HttpResponse<String> r = send("GET", "/b/k");
      assertOurs(r, "InternalError", 500);
      assertFalse(r.body().contains("backend.internal"), r.body());
      assertTrue(r.headers().firstValue("x-amz-bucket-region").isEmpty());
    }
    assertEquals(2, log.at(Level.WARN).size());
  }

  @Test
  void notModifiedAndSuccessPassThrough() throws Exception {
    backend.answer(r -> new Reply(304, Map.of("ETag", "\"abc\""), null));
    HttpResponse<String> notModified = send("GET", "/b/k", Map.of("If-None-Match", "\"abc\""));
    assertEquals(304, notModified.statusCode());
    assertEquals("\"abc\"", notModified.headers().firstValue("etag").orElse(null));
    backend.answer(r -> new Reply(200, Map.of("Content-Type", "text/plain"), "object bytes"));
    HttpResponse<String> ok = send("GET", "/b/k");
    assertEquals(200, ok.statusCode());
    assertEquals("object bytes", ok.body());
  }

  @Test
  void headErrorsKeepTheirStatusWithoutABody() throws Exception {
    backend.answer(r -> new Reply(404, Map.of("x-amz-request-id", "BACKEND-REQUEST-ID"), null));
    HttpResponse<String> missing = send("HEAD", "/b/k");
    assertEquals(404, missing.statusCode());
    assertEquals("", missing.body());
    assertFalse(missing.headers().firstValue("x-amz-request-id").orElseThrow().equals("BACKEND-REQUEST-ID"));
    backend.answer(r -> new Reply(403, Map.of(), null));
    assertEquals(403, send("HEAD", "/b/k").statusCode());
    backend.answer(r -> new Reply(301, Map.of("Location", "http://elsewhere/"), null));
    HttpResponse<String> moved = send("HEAD", "/b");
    assertEquals(500, moved.statusCode());
    assertTrue(moved.headers().firstValue("location").isEmpty());
  }

  @Test
  void unreadableBodiesAreOurOwnErrors() throws Exception {
    backend.answer(r -> new Reply(502, Map.of("Content-Type", "text/html"), "<html>Bad Gateway from 10.0.0.7</html>"));
    HttpResponse<String> gateway = send("GET", "/b/k");
    assertOurs(gateway, "ServiceUnavailable", 503);
    assertFalse(gateway.body().contains("10.0.0.7"));
    backend.answer(r -> new Reply(400, Map.of(), "not xml at all"));
    assertOurs(send("GET", "/b/k"), "InternalError", 500);
    assertEquals(2, log.at(Level.WARN).size());
  }

  @Test
  void entitiesAreNeverExpanded() throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "FILE-CONTENT-SECRET");
    backend.answer(r -> Reply.xml(404, "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY x SYSTEM \"" + secret.toUri()
        + "\">]><Error><Code>NoSuchKey</Code><Message>&x;</Message></Error>"));
    HttpResponse<String> r = send("GET", "/b/k");
    assertFalse(r.body().contains("FILE-CONTENT-SECRET"), r.body());
    assertOurs(r, "InternalError", 500);
  }

  @Test
  void aHugeErrorBodyIsBoundedAndTheConnectionStaysUsable() throws Exception {
    String huge = "<Error><Code>InvalidArgument</Code><Message>too big</Message><Pad>" + "x".repeat(2 * 1024 * 1024)
        + "</Pad></Error>";
    backend.answer(r -> Reply.xml(400, huge));
    HttpResponse<String> r = send("GET", "/b/k");
    assertOurs(r, "InvalidArgument", 400);
    assertTrue(r.body().length() < 1024, "length " + r.body().length());
    backend.answer(r2 -> new Reply(200, Map.of(), "fine"));
    assertEquals("fine", send("GET", "/b/k").body());
  }

  @Test
  void listingAMissingBucketIsNoSuchBucketAndReachedTheBackendOnce() throws Exception {
    backend.answer(r -> Reply.xml(404, disclosing("NoSuchBucket", "The specified bucket does not exist")));
    HttpResponse<String> r = send("GET", "/nobucket?list-type=2");
    assertOurs(r, "NoSuchBucket", 404);
    assertEquals("/nobucket", RawS3Client.element(r.body(), "Resource"));
    assertEquals(1, backend.received().size());
    assertEquals("/nobucket?list-type=2", backend.received().get(0).uri());
  }
}
