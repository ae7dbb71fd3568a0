package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.proxy.ProxyServer;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * HTTP framing over raw sockets, in front of a recording fake backend: every request whose framing
 * is ambiguous is answered with S3's error and {@code Connection: close}, the socket is closed, and
 * nothing reaches the backend; pipelined requests are answered in order.
 */
@Timeout(120)
class HttpFramingTest {
  static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final String UNSIGNED = "UNSIGNED-PAYLOAD";

  @TempDir static Path dataDir;
  static HttpServer backend;
  /** "METHOD path body-length" of every request the backend received whole, in order. */
  static final List<String> received = Collections.synchronizedList(new ArrayList<>());
  static ProxyServer proxy;
  static String host;

  @BeforeAll
  static void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " " + body.length);
      byte[] answer = exchange.getRequestURI().getRawPath().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(answer.length));
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      }
      exchange.close();
    });
    backend.start();
    traces.start();
    ((Logger) LoggerFactory.getLogger("dev.tokengate")).addAppender(traces);
    Path config = dataDir.resolve("tokengate.yaml");
    Files.writeString(config, "listen: 127.0.0.1:0\ndataDir: " + dataDir + "\nbackend:\n  endpoint: http://127.0.0.1:"
        + backend.getAddress().getPort() + "\n  accessKey: backend-key\n  secretKey: backend-secret-backend-secret\n");
    proxy = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
    host = proxy.endpoint().replace("http://", "");
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger("dev.tokengate")).detachAppender(traces);
    proxy.close();
    backend.stop(0);
  }

  /** Every log event with a stack trace, from the proxy's own loggers. */
  static final ListAppender<ILoggingEvent> traces = new ListAppender<>();

  @BeforeEach
  void forget() {
    received.clear();
    traces.list.clear();
  }

  /** A client's bad input is answered, never logged as a failure of ours. */
  @AfterEach
  void noStackTraceWasLogged() {
    List<String> logged = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(traces.list)) {
      if (e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.WARN)) {
        logged.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
      }
    }
    assertEquals(List.of(), logged);
  }

  /** A request head signed by the admin; {@code extra} lines are added after signing, unsigned. */
  static String signed(String method, String path, Map<String, String> headers, String... extra) {
    String amzDate = AMZ_DATE.format(Instant.now());
    Map<String, String> all = new LinkedHashMap<>();
    all.put("host", host);
    all.put("x-amz-date", amzDate);
    all.put("x-amz-content-sha256", UNSIGNED);
    all.putAll(headers);
    List<SignedRequest.Header> list = new ArrayList<>();
    all.forEach((k, v) -> list.add(new SignedRequest.Header(k, v)));
    String authorization = new RequestSigner(new SigningKeyCache(4)).authorization(
        new SignedRequest(method, path, "", list), proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(),
        "us-east-1", "s3", amzDate, UNSIGNED);
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    all.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Authorization: ").append(authorization).append("\r\n");
    for (String line : extra) {
      head.append(line).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  static String signedGet(String path, String... extra) {
    return signed("GET", path, Map.of(), extra);
  }

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String code() {
      int start = body.indexOf("<Code>");
      return start < 0 ? null : body.substring(start + 6, body.indexOf("</Code>"));
    }
  }

  /** One raw connection: write bytes, read responses, see whether the server closed it. */
  static final class Connection implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Connection() throws IOException {
      socket = new Socket("127.0.0.1", Integer.parseInt(host.substring(host.indexOf(':') + 1)));
      socket.setSoTimeout(15_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    Connection send(String text) throws IOException {
      return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    Connection send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
      return this;
    }

    Response read(boolean head) throws IOException {
      String statusLine = line();
      assertNotNull(statusLine, "the server closed the connection without a response");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = line(); line != null && !line.isEmpty(); line = line()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      assertEquals(length, body.length, "body cut short");
      return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    Response read() throws IOException {
      return read(false);
    }

    /** True when the server closed the connection (within the socket timeout) with no further bytes. */
    boolean closedByServer() throws IOException {
      try {
        return in.read() == -1;
      } catch (SocketTimeoutException stillOpen) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static void assertRefusedAndClosed(Connection c, Response r, int status, String code) throws IOException {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.code(), r.body());
    assertEquals("close", r.header("Connection"));
    assertNotNull(r.header("x-amz-request-id"));
    assertTrue(c.closedByServer(), "the connection is closed after a framing error");
    assertEquals(List.of(), received, "nothing reached the backend");
  }

  static Stream<Arguments> malformedRequests() {
    String get = "GET /bucket/key HTTP/1.1\r\nHost: " + "%s" + "\r\n";
    return Stream.of(
        Arguments.of("a header line without a colon", get + "NoColonHere\r\n\r\n"),
        Arguments.of("not HTTP at all", "abcdefg\r\n\r\n"),
        Arguments.of("a request line of two words", "GET /bucket/key\r\n\r\n"),
        Arguments.of("a Content-Length that is not a number", "PUT /bucket/key HTTP/1.1\r\nHost: %s\r\nContent-Length: abc\r\n\r\n"),
        Arguments.of("a negative Content-Length", "PUT /bucket/key HTTP/1.1\r\nHost: %s\r\nContent-Length: -1\r\n\r\n"),
        Arguments.of("two different Content-Lengths", "PUT /bucket/key HTTP/1.1\r\nHost: %s\r\nContent-Length: 1\r\n"
            + "Content-Length: 40\r\n\r\nx"),
        Arguments.of("two equal Content-Lengths", "PUT /bucket/key HTTP/1.1\r\nHost: %s\r\nContent-Length: 1\r\n"
            + "Content-Length: 1\r\n\r\nx"),
        Arguments.of("a Content-Length list", "PUT /bucket/key HTTP/1.1\r\nHost: %s\r\nContent-Length: 1, 1\r\n\r\nx"),
        Arguments.of("Transfer-Encoding in HTTP/1.0", "PUT /bucket/key HTTP/1.0\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("bare LF line endings", "GET /bucket/key HTTP/1.1\nHost: %s\n\n"),
        Arguments.of("a control character in a header name", get + "X-Bad\u0001Name: v\r\n\r\n"),
        Arguments.of("a Host with a folded continuation line", get + " other.example\r\n\r\n"),
        Arguments.of("a Host list", "GET /bucket/key HTTP/1.1\r\nHost: %s, other.example\r\n\r\n"),
        Arguments.of("HTTP/1.1 without Host", "GET /bucket/key HTTP/1.1\r\nX-Amz-Date: 20260101T000000Z\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRequests")
  void aHeadThatDoesNotParseIsBadRequestAndCloses(String what, String request) throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(request.formatted(host)).read();
      assertRefusedAndClosed(c, r, 400, "BadRequest");
      assertTrue(r.body().contains("<Message>An error occurred when parsing the HTTP request.</Message>"), r.body());
      assertFalse(r.body().contains("bad-request"), "the decoder's stand-in request is not shown as the resource");
    }
  }

  /** The classic smuggling shape: the proxy and a backend must never split this stream differently. */
  @Test
  void contentLengthWithTransferEncodingIsRefusedWithItsSmuggledRequest() throws IOException {
    String smuggled = signed("PUT", "/bucket/smuggled", Map.of("content-length", "0"));
    String outer = signed("PUT", "/bucket/key", Map.of("content-length", Integer.toString(5 + smuggled.length())),
        "Transfer-Encoding: chunked");
    try (Connection c = new Connection()) {
      Response r = c.send(outer + "0\r\n\r\n" + smuggled).read();
      assertRefusedAndClosed(c, r, 400, "BadRequest");
    }
  }

  static Stream<Arguments> transferEncodings() {
    return Stream.of(
        Arguments.of("gzip, chunked"), Arguments.of("chunked, chunked"), Arguments.of("identity"),
        Arguments.of("gzip"), Arguments.of("chunked;q=1"), Arguments.of("xchunked"));
  }

  @ParameterizedTest(name = "Transfer-Encoding: {0}")
  @MethodSource("transferEncodings")
  void aTransferEncodingOtherThanChunkedIsRefused(String value) throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(signed("PUT", "/bucket/key", Map.of(), "Transfer-Encoding: " + value) + "0\r\n\r\n").read();
      assertRefusedAndClosed(c, r, 400, "BadRequest");
    }
  }

  @Test
  void transferEncodingSentTwiceIsRefused() throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(signed("PUT", "/bucket/key", Map.of(), "Transfer-Encoding: chunked", "transfer-encoding: chunked")
          + "0\r\n\r\n").read();
      assertRefusedAndClosed(c, r, 400, "BadRequest");
    }
  }

  static Stream<Arguments> repeatedHeaders() {
    return Stream.of(
        Arguments.of("Host: other.example"), Arguments.of("HOST: " + "%s"),
        Arguments.of("Authorization: AWS4-HMAC-SHA256 Credential=x"), Arguments.of("authorization: whatever"),
        Arguments.of("X-Amz-Date: 20300101T000000Z"), Arguments.of("x-amz-date: 20300101T000000Z"),
        Arguments.of("X-Amz-Security-Token: token"), Arguments.of("X-Amz-Content-Sha256: " + UNSIGNED),
        Arguments.of("Content-Length: 0"), Arguments.of("Expect: 100-continue"));
  }

  /** The signed request is valid on its own; a second copy of one of these headers makes it ambiguous. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("repeatedHeaders")
  void aRepeatedSecurityOrFramingHeaderIsRefusedBeforeAuthentication(String second) throws IOException {
    Map<String, String> signedHeaders = new LinkedHashMap<>();
    if (second.startsWith("X-Amz-Security-Token")) {
      signedHeaders.put("x-amz-security-token", "first");
    } else if (second.startsWith("Content-Length")) {
      signedHeaders.put("content-length", "0");
    } else if (second.startsWith("Expect")) {
      signedHeaders.put("expect", "100-continue");
    }
    try (Connection c = new Connection()) {
      Response r = c.send(signed("GET", "/bucket/key", signedHeaders, second.formatted(host))).read();
      assertRefusedAndClosed(c, r, 400, "BadRequest");
    }
  }

  @Test
  void anOversizedHeaderSectionIs431() throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(signedGet("/bucket/key", "X-Big: " + "a".repeat(70 * 1024))).read();
      assertRefusedAndClosed(c, r, 431, "RequestHeaderSectionTooLarge");
      assertTrue(r.body().contains("<MaxSizeAllowed>65536</MaxSizeAllowed>"), r.body());
    }
  }

  @Test
  void anOversizedRequestLineIs414() throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(signedGet("/bucket/" + "k".repeat(100 * 1024))).read();
      assertRefusedAndClosed(c, r, 414, "RequestHeaderSectionTooLarge");
      assertTrue(r.body().contains("<MaxSizeAllowed>16384</MaxSizeAllowed>"), r.body());
      assertFalse(r.body().contains("kkkkkkkk"), "the oversized line is not echoed");
    }
  }

  @Test
  void aHeadRequestIsRefusedWithoutABody() throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send("HEAD /bucket/key HTTP/1.1\r\nHost: " + host + "\r\nNoColonHere\r\n\r\n").read(true);
      assertEquals(400, r.status());
      assertEquals("close", r.header("Connection"));
      assertTrue(c.closedByServer(), "no body follows a HEAD response, then the connection closes");
      assertEquals(List.of(), received);
    }
  }

  @Test
  void aChunkedBodyThatStopsParsingIsRefusedAndNothingCompleteReachesTheBackend() throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(signed("PUT", "/bucket/key", Map.of(), "Transfer-Encoding: chunked") + "5\r\nhello\r\nzz\r\n\r\n")
          .read();
      assertEquals(400, r.status(), r.body());
      assertEquals("BadRequest", r.code());
      assertEquals("close", r.header("Connection"));
      assertTrue(c.closedByServer());
      assertFalse(received.stream().anyMatch(s -> s.startsWith("PUT")), "the backend saw no complete PUT: " + received);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderAndTheConnectionStaysUsable() throws IOException {
    try (Connection c = new Connection()) {
      c.send(signedGet("/bucket/one") + signed("HEAD", "/bucket/two", Map.of()) + signedGet("/bucket/three")
          + signed("PUT", "/bucket/four", Map.of("content-length", "11")) + "hello world" + signedGet("/bucket/five"));
      assertEquals("/bucket/one", c.read().body());
      Response head = c.read(true);
      assertEquals(200, head.status());
      assertEquals("11", head.header("Content-Length"), "the HEAD response describes the body it does not send");
      assertEquals("/bucket/three", c.read().body());
      assertEquals(200, c.read().status());
      assertEquals("/bucket/five", c.read().body());
      assertEquals(List.of("GET /bucket/one 0", "HEAD /bucket/two 0", "GET /bucket/three 0", "PUT /bucket/four 11",
          "GET /bucket/five 0"), received);
      assertEquals("/bucket/six", c.send(signedGet("/bucket/six")).read().body(), "the connection is still usable");
    }
  }

  @Test
  void aMalformedRequestPipelinedBehindAGoodOneIsAnsweredAfterIt() throws IOException {
    try (Connection c = new Connection()) {
      c.send(signedGet("/bucket/first") + "GET /bucket/second HTTP/1.1\r\nHost: " + host + "\r\nNoColonHere\r\n\r\n"
          + signedGet("/bucket/never"));
      Response first = c.read();
      assertEquals(200, first.status());
      assertEquals("/bucket/first", first.body());
      Response second = c.read();
      assertEquals(400, second.status());
      assertEquals("BadRequest", second.code());
      assertEquals("close", second.header("Connection"));
      assertTrue(c.closedByServer());
      assertEquals(List.of("GET /bucket/first 0"), received);
    }
  }

  /**
   * However the socket reads split this burst, every answer is a 200 in order, and the connection
   * either answers them all or ends cleanly with {@code Connection: close} (the exact cut-off is
   * pinned by {@link PipelinedRequestHolderTest}).
   */
  @Test
  void aBurstOfPipelinedRequestsIsAnsweredInOrderOrCutCleanlyNeverA500() throws IOException {
    int sent = 3 * PipelinedRequestHolder.MAX_HELD_REQUESTS;
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < sent; i++) {
      all.append(signedGet("/bucket/k" + i));
    }
    try (Connection c = new Connection()) {
      c.send(all.toString());
      int answered = 0;
      boolean cut = false;
      while (answered < sent && !cut) {
        Response r = c.read();
        assertEquals(200, r.status(), r.body());
        assertEquals("/bucket/k" + answered, r.body(), "answered in order");
        answered++;
        cut = "close".equals(r.header("Connection"));
      }
      System.out.println("PIPELINED BURST: " + answered + " of " + sent + " answered" + (cut ? ", then Connection: close" : ""));
      assertEquals(cut, c.closedByServer(), "closed exactly when the last answer said so");
      assertEquals(answered, received.size(), "the backend saw exactly the answered requests");
    }
  }

  /** Sanity for the matrix above: the same signed request without the defect goes through. */
  @Test
  void aWellFramedSignedRequestReachesTheBackend() throws IOException {
    try (Connection c = new Connection()) {
      Response r = c.send(signed("PUT", "/bucket/key", Map.of(), "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\n\r\n")
          .read();
      assertEquals(200, r.status(), r.body());
      assertNull(r.header("Connection"));
      assertEquals(List.of("PUT /bucket/key 5"), received);
    }
  }
}
