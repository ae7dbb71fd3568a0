package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Virtual-hosted style (Host: bucket.domain) reaches the same objects as path style. */
@Timeout(60)
class VirtualHostTest {
  static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  /** One request over a raw socket (the JDK client will not send a Host of our choosing). */
  static String exchange(ProxyServer s, String method, String host, String path, String body) throws Exception {
    URI endpoint = URI.create(s.endpoint());
    String amzDate = AMZ_DATE.format(Instant.now());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String hash = RawS3Client.sha256(bytes);
    List<SignedRequest.Header> headers =
        List.of(new SignedRequest.Header("host", host), new SignedRequest.Header("x-amz-content-sha256", hash),
            new SignedRequest.Header("x-amz-date", amzDate));
    String auth = new RequestSigner(new SigningKeyCache(4)).authorization(new SignedRequest(method, path, "", headers),
        s.admin().accessKeyId(), s.admin().secretAccessKey(), "us-east-1", "s3", amzDate, hash);
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nx-amz-content-sha256: " + hash
          + "\r\nx-amz-date: " + amzDate + "\r\nAuthorization: " + auth + "\r\nContent-Length: " + bytes.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void bucketFromTheHostHeader() throws Exception {
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, "listen: 127.0.0.1:0\ndataDir: " + dir.resolve("d") + "\nvirtualHostDomains: [s3.test]\n");
    try (ProxyServer s = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
      int port = URI.create(s.endpoint()).getPort();
      String pathHost = "127.0.0.1:" + port;
      String vhost = "vbucket.s3.test:" + port;
      assertTrue(exchange(s, "PUT", pathHost, "/vbucket", "").startsWith("HTTP/1.1 200"));
      String put = exchange(s, "PUT", vhost, "/dir/hello.txt", "hello, virtual host");
      assertTrue(put.startsWith("HTTP/1.1 200"), put);
      String pathGet = exchange(s, "GET", pathHost, "/vbucket/dir/hello.txt", "");
      assertTrue(pathGet.startsWith("HTTP/1.1 200") && pathGet.endsWith("hello, virtual host"), pathGet);
      String vhostGet = exchange(s, "GET", vhost, "/dir/hello.txt", "");
      assertTrue(vhostGet.endsWith("hello, virtual host"), vhostGet);
      String list = exchange(s, "GET", vhost, "/", "");
      assertTrue(list.contains("<Key>dir/hello.txt</Key>"), list);
    }
  }
}
