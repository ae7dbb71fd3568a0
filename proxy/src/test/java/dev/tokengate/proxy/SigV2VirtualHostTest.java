package dev.tokengate.proxy;

import dev.tokengate.proxy.harness.RawS3Client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.SigV2Verifier;
import dev.tokengate.sigv4.SignedRequest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SigV2 with virtual-hosted style signs {@code /bucket} + path: a request captured for one bucket's
 * Host and replayed with another bucket's Host (or path-style) fails, for header and query auth.
 */
@Timeout(60)
class SigV2VirtualHostTest {
  private static final DateTimeFormatter RFC_1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  @TempDir Path dir;
  private ProxyServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, "listen: 127.0.0.1:0\ndataDir: " + dir.resolve("d")
        + "\nacceptSigV2: true\nvirtualHostDomains: [s3.test]\n");
    server = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC());
    port = URI.create(server.endpoint()).getPort();
    String path = "127.0.0.1:" + port;
    for (String bucket : List.of("alpha", "beta")) {
      assertTrue(adminExchange("PUT", path, "/" + bucket, "").startsWith("HTTP/1.1 200"));
      assertTrue(adminExchange("PUT", path, "/" + bucket + "/secret.txt", bucket + " data")
          .startsWith("HTTP/1.1 200"));
    }
  }

  /** A SigV4-signed admin request over a raw socket, with the Host given. */
  private String adminExchange(String method, String host, String path, String body) throws Exception {
    String amzDate = RawS3Client.amzDate(java.time.Instant.now());
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String hash = RawS3Client.sha256(bytes);
    List<dev.tokengate.sigv4.SignedRequest.Header> headers = List.of(
        new dev.tokengate.sigv4.SignedRequest.Header("host", host),
        new dev.tokengate.sigv4.SignedRequest.Header("x-amz-content-sha256", hash),
        new dev.tokengate.sigv4.SignedRequest.Header("x-amz-date", amzDate));
    dev.tokengate.proxy.harness.Credentials admin = dev.tokengate.proxy.harness.Credentials.of(
        server.admin().accessKeyId(), server.admin().secretAccessKey());
    String auth = RawS3Client.authorization(method, path, "", headers, hash, admin, amzDate, "us-east-1");
    java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
    request.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nx-amz-content-sha256: " + hash
        + "\r\nx-amz-date: " + amzDate + "\r\nAuthorization: " + auth + "\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    request.write(bytes);
    return dev.tokengate.proxy.harness.RawHttp.exchange(server.endpoint(), request.toByteArray(),
        java.time.Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String vhost(String bucket) {
    return bucket + ".s3.test:" + port;
  }

  /** SigV2 header auth for GET {@code path} as addressed to {@code bucket}'s virtual host. */
  private String signedHeader(String bucket, String path, String date) {
    SignedRequest r = new SignedRequest("GET", path, "", List.of(new SignedRequest.Header("date", date)));
    String toSign = SigV2Verifier.stringToSign(r, AuthStyle.HEADER, SigV2Verifier.canonicalResourcePath(bucket, path));
    return "AWS " + server.admin().accessKeyId() + ":" + SigV2Verifier.sign(server.admin().secretAccessKey(), toSign);
  }

  private String send(String host, String requestTarget, String... headerLines) throws Exception {
    StringBuilder head = new StringBuilder("GET " + requestTarget + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headerLines) {
      head.append(h).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void headerSignatureIsBoundToTheHostBucket() throws Exception {
    String date = RFC_1123.format(Instant.now());
    String auth = signedHeader("alpha", "/secret.txt", date);
    String ok = send(vhost("alpha"), "/secret.txt", "Date: " + date, "Authorization: " + auth);
    assertTrue(ok.startsWith("HTTP/1.1 200") && ok.endsWith("alpha data"), ok);

    String replayed = send(vhost("beta"), "/secret.txt", "Date: " + date, "Authorization: " + auth);
    assertTrue(replayed.startsWith("HTTP/1.1 403"), replayed);
    assertTrue(replayed.contains("<Code>SignatureDoesNotMatch</Code>"), replayed);
    assertTrue(!replayed.contains("beta data"), replayed);

    // Path-style with the same signature: the canonical resource is then /secret.txt, not /alpha/secret.txt.
    String pathStyle = send("127.0.0.1:" + port, "/beta/secret.txt", "Date: " + date, "Authorization: " + auth);
    assertTrue(pathStyle.startsWith("HTTP/1.1 403"), pathStyle);
  }

  @Test
  void listingTheVirtualHostRootSignsBucketSlash() throws Exception {
    String date = RFC_1123.format(Instant.now());
    String ok = send(vhost("alpha"), "/", "Date: " + date, "Authorization: " + signedHeader("alpha", "/", date));
    assertTrue(ok.startsWith("HTTP/1.1 200") && ok.contains("<Key>secret.txt</Key>"), ok);
    String replayed = send(vhost("beta"), "/", "Date: " + date, "Authorization: " + signedHeader("alpha", "/", date));
    assertTrue(replayed.startsWith("HTTP/1.1 403"), replayed);
  }

  @Test
  void presignedQueryIsBoundToTheHostBucket() throws Exception {
    String expires = Long.toString(Instant.now().getEpochSecond() + 300);
    SignedRequest r = new SignedRequest("GET", "/secret.txt", "Expires=" + expires, List.of());
    String toSign = SigV2Verifier.stringToSign(r, AuthStyle.QUERY, SigV2Verifier.canonicalResourcePath("alpha", "/secret.txt"));
    String signature = URLEncoder.encode(SigV2Verifier.sign(server.admin().secretAccessKey(), toSign), StandardCharsets.UTF_8);
    String target = "/secret.txt?AWSAccessKeyId=" + server.admin().accessKeyId() + "&Expires=" + expires
        + "&Signature=" + signature;
    String ok = send(vhost("alpha"), target);
    assertTrue(ok.startsWith("HTTP/1.1 200") && ok.endsWith("alpha data"), ok);
    String replayed = send(vhost("beta"), target);
    assertTrue(replayed.startsWith("HTTP/1.1 403"), replayed);
    assertTrue(replayed.contains("<Code>SignatureDoesNotMatch</Code>"), replayed);
  }

  @Test
  void invalidHostLabelIsInvalidBucketNameBeforeAnyKeyLookup() throws Exception {
    String date = RFC_1123.format(Instant.now());
    String r = send("Bad_Bucket.s3.test:" + port, "/secret.txt", "Date: " + date,
        "Authorization: " + signedHeader("bad_bucket", "/secret.txt", date));
    assertTrue(r.startsWith("HTTP/1.1 400"), r);
    assertEquals("InvalidBucketName", RawS3Client.element(r, "Code"), r);
  }
}
