package dev.tokengate.proxy.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spy on its own (raw sockets against a fake) and as the harness uses it: in front of the real
 * S3Proxy it records what the proxy forwards while the store stays real, and a request the proxy
 * refuses never reaches it.
 */
@Timeout(60)
class BackendSpyTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void recordsTheRequestLineHeaderLinesInOrderAndTheBody() throws Exception {
    try (BackendSpy spy = BackendSpy.fake(BackendSpy.Responder.always(CannedResponse.of(200, "text/plain", "ok")))) {
      String response = RawHttp.exchange(spy.endpoint(), ascii(
          "PUT /b/a%2Bb%20c?acl&x=1 HTTP/1.1\r\nHost: backend:1\r\nX-Amz-Acl: private\r\nx-amz-acl:   public-read  \r\n"
              + "Content-Length: 5\r\nConnection: close\r\n\r\nhello"), Duration.ofSeconds(10));
      assertEquals(200, RawHttp.status(response), response);
      assertTrue(response.endsWith("\r\n\r\nok"), response);
      ReceivedRequest r = spy.onlyRequest();
      assertEquals("PUT /b/a%2Bb%20c?acl&x=1 HTTP/1.1", r.requestLine());
      assertEquals("PUT", r.method());
      assertEquals("/b/a%2Bb%20c", r.path());
      assertEquals("acl&x=1", r.rawQuery());
      assertEquals(List.of("Host", "X-Amz-Acl", "x-amz-acl", "Content-Length", "Connection"), r.headerNames());
      assertEquals(List.of("private", "public-read"), r.headerValues("X-AMZ-ACL"));
      assertEquals("x-amz-acl:   public-read  ", r.headers().get(2).rawLine(), "the raw line keeps its spacing");
      assertEquals("private", r.header("x-amz-acl"), "header() is the first of a repeated name");
      assertEquals("hello", r.bodyUtf8());
      assertFalse(r.chunked());
      assertTrue(spy.failures().isEmpty(), spy.failures().toString());
    }
  }

  @Test
  void decodesAChunkedBodyAndKeepsItsWireFraming() throws Exception {
    try (BackendSpy spy = BackendSpy.fake(BackendSpy.Responder.always(CannedResponse.of(200)))) {
      String wire = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n";
      String response = RawHttp.exchange(spy.endpoint(), ascii(
          "POST /b?delete HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + wire),
          Duration.ofSeconds(10));
      assertEquals(200, RawHttp.status(response), response);
      ReceivedRequest r = spy.onlyRequest();
      assertTrue(r.chunked());
      assertEquals("hello world", r.bodyUtf8());
      assertEquals(wire, new String(r.wireBody(), StandardCharsets.ISO_8859_1));
      assertNull(new ReceivedRequest("GET /b/k HTTP/1.1", List.of(), new byte[0], new byte[0], false).rawQuery());
    }
  }

  @Test
  void keepAliveRequestsArriveInPiecesAndAreEachAnswered() throws Exception {
    List<String> seen = new ArrayList<>();
    BackendSpy.Responder echo = r -> {
      seen.add(r.target());
      return CannedResponse.of(200, "text/plain", r.target());
    };
    try (BackendSpy spy = BackendSpy.fake(echo); Socket socket = connect(spy)) {
      byte[] two = ascii("GET /one HTTP/1.1\r\nHost: h\r\n\r\nPUT /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
      OutputStream out = socket.getOutputStream();
      for (byte b : two) {
        out.write(b); // one byte at a time: the parser must not depend on how TCP cuts the stream
        out.flush();
      }
      String responses = readUntil(socket.getInputStream(), "/two");
      assertTrue(responses.startsWith("HTTP/1.1 200 OK\r\n") && responses.contains("/one") && responses.endsWith("/two"),
          responses);
      assertEquals(List.of("/one", "/two"), seen);
      assertEquals("abc", spy.requests().get(1).bodyUtf8());
      assertEquals("/one", spy.takeRequest(Duration.ofSeconds(1)).target());
      assertEquals("/two", spy.takeRequest(Duration.ofSeconds(1)).target());
      assertNull(spy.takeRequest(Duration.ofMillis(50)));
      spy.clear();
      assertTrue(spy.requests().isEmpty());
    }
  }

  @Test
  void answersContinueAndLeavesTheBodyOutOfAHeadResponse() throws Exception {
    try (BackendSpy spy = BackendSpy.fake(BackendSpy.Responder.always(
        CannedResponse.of(200, "text/plain", "twelve bytes").withHeader("ETag", "\"e\"")))) {
      try (Socket socket = connect(spy)) {
        OutputStream out = socket.getOutputStream();
        out.write(ascii("PUT /b/k HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
        out.flush();
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readUntil(socket.getInputStream(), "\r\n\r\n"));
        out.write(ascii("hi"));
        out.flush();
        assertTrue(readUntil(socket.getInputStream(), "twelve bytes").startsWith("HTTP/1.1 200 OK"));
      }
      String head = RawHttp.exchange(spy.endpoint(), ascii("HEAD /b/k HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
          Duration.ofSeconds(2));
      assertTrue(head.contains("Content-Length: 12\r\n") && head.endsWith("\r\n\r\n"), head);
      assertEquals("hi", spy.requests().get(0).bodyUtf8());
    }
  }

  @Test
  void hangUpClosesWithoutAnswerAndMalformedInputIsAFailureOnRecord() throws Exception {
    try (BackendSpy spy = BackendSpy.fake(BackendSpy.Responder.always(CannedResponse.hangUp()))) {
      String nothing = RawHttp.exchange(spy.endpoint(), ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), Duration.ofSeconds(5));
      assertEquals("", nothing);
      assertEquals(1, spy.requests().size());
      RawHttp.exchange(spy.endpoint(), ascii("GET / HTTP/1.1\r\nno colon here\r\n\r\n"), Duration.ofSeconds(5));
      assertEquals(1, spy.failures().size(), spy.failures().toString());
      assertTrue(spy.failures().get(0).contains("no colon here"), spy.failures().toString());
    }
  }

  private static Socket connect(BackendSpy spy) throws Exception {
    URI uri = URI.create(spy.endpoint());
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String readUntil(InputStream in, String end) throws Exception {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (!got.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      got.write(b);
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  /** Relay mode through the harness: the proxy in front, the real S3Proxy behind. */
  @org.junit.jupiter.api.Nested
  class InFrontOfTheRealBackend {
    static final Credentials NOBODY = Credentials.of("AKIASPYNOBODY0000001", "spy-nobody-secret-spy-nobody-secret-000");

    @org.junit.jupiter.api.extension.RegisterExtension
    final TokengateExtension proxy = TokengateExtension.withConfig("""
        users:
          - name: nobody
            accessKeys: [{id: %s, secret: %s}]
        """.formatted(NOBODY.accessKeyId(), NOBODY.secretAccessKey())).spyOnBackend();

    @Test
    void recordsWhatTheProxyForwardsWhileTheStoreStaysReal() throws Exception {
      RawS3Client admin = proxy.adminClient();
      assertEquals(200, admin.put("/spied", "").statusCode());
      proxy.spy().clear();
      byte[] data = "relayed bytes".getBytes(StandardCharsets.UTF_8);
      assertEquals(200, admin.put("/spied/dir/k.txt", data).statusCode());

      ReceivedRequest r = proxy.spy().onlyRequest();
      assertEquals("PUT", r.method());
      assertEquals("/spied/dir/k.txt", r.path());
      assertNull(r.rawQuery());
      assertArrayEquals(data, r.body());
      assertEquals(proxy.spy().endpoint().substring("http://".length()), r.header("host"));
      String backendKey = proxy.backendConfig().accessKey();
      assertTrue(r.header("authorization").startsWith("AWS4-HMAC-SHA256 Credential=" + backendKey + "/"),
          "re-signed with the backend's key: " + r);
      assertNull(r.header("x-amz-security-token"));
      assertArrayEquals(data, proxy.backend().read("spied", "dir/k.txt").orElseThrow(), "the relay reached the real store");
      assertEquals("relayed bytes", admin.get("/spied/dir/k.txt").body(), "and the backend's answer came back");
      assertTrue(proxy.spy().failures().isEmpty(), proxy.spy().failures().toString());
    }

    @Test
    void aSessionsTokenAndSignatureStayAtTheProxy() throws Exception {
      StsClient.Response r = proxy.sts().call(proxy.admin(), "GetSessionToken", Map.of());
      assertEquals(200, r.status(), r.body());
      Credentials session = r.credentials("GetSessionToken");
      assertEquals(200, proxy.adminClient().put("/tokens", "").statusCode());
      proxy.spy().clear();
      assertEquals(200, proxy.client(session).put("/tokens/k", "v").statusCode());
      ReceivedRequest forwarded = proxy.spy().onlyRequest();
      assertNull(forwarded.header("x-amz-security-token"));
      for (ReceivedRequest.Header h : forwarded.headers()) {
        assertFalse(h.value().contains(session.sessionToken()) || h.value().contains(session.accessKeyId()),
            "the client's credentials reached the backend: " + h.rawLine());
      }
    }

    @Test
    void aRefusedRequestNeverReachesTheBackend() throws Exception {
      assertEquals(200, proxy.adminClient().put("/guarded", "").statusCode());
      proxy.spy().clear();
      BackendView.State before = proxy.backend().state();
      assertEquals(403, proxy.client(NOBODY).put("/guarded/k", "no").statusCode());
      assertEquals(403, proxy.client(NOBODY.accessKeyId(), "a-wrong-secret-a-wrong-secret-a-wrong-00").get("/guarded")
          .statusCode());
      assertEquals(List.of(), proxy.spy().requests());
      assertEquals(before, proxy.backend().state());
    }
  }

  /** Fake mode through the harness: the proxy forwards to canned answers. */
  @org.junit.jupiter.api.Nested
  class AsAFakeBackend {
    @org.junit.jupiter.api.extension.RegisterExtension
    final TokengateExtension proxy = TokengateExtension.defaults().fakeBackend(
        r -> r.path().equals("/fake/k") ? CannedResponse.of(200, "text/plain", "canned " + r.method())
            : CannedResponse.s3Error(404, "NoSuchKey", "The specified key does not exist."));

    @Test
    void theProxyRelaysTheCannedAnswerAndTheSpyHasTheRequest() throws Exception {
      var ok = proxy.adminClient().send("GET", "/fake/k", new byte[0],
          Map.of("x-amz-meta-note", "dropped: not a GetObject header", "Range", "bytes=0-3"));
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("canned GET", ok.body());
      ReceivedRequest r = proxy.spy().onlyRequest();
      assertEquals("GET /fake/k HTTP/1.1", r.requestLine());
      assertEquals("bytes=0-3", r.header("range"));
      assertEquals(null, r.header("x-amz-meta-note"), "the backend gets only the operation's headers");
      var missing = proxy.adminClient().get("/fake/other");
      assertEquals(404, missing.statusCode(), missing.body());
      assertEquals("NoSuchKey", RawS3Client.element(missing.body(), "Code"));
    }
  }
}
