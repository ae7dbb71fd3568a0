package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawHttp;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.sigv4.SignedRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Virtual-hosted style (Host: bucket.domain) reaches the same objects as path style. */
@Timeout(60)
class VirtualHostTest {
  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.defaults().virtualHostDomains("s3.test");

  /** One request over a raw socket (the JDK client will not send a Host of our choosing). */
  String exchange(String method, String host, String path, String body) throws Exception {
    String amzDate = RawS3Client.amzDate(Instant.now());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String hash = RawS3Client.sha256(bytes);
    List<SignedRequest.Header> headers =
        List.of(new SignedRequest.Header("host", host), new SignedRequest.Header("x-amz-content-sha256", hash),
            new SignedRequest.Header("x-amz-date", amzDate));
    String auth = RawS3Client.authorization(method, path, "", headers, hash, proxy.admin(), amzDate, "us-east-1");
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nx-amz-content-sha256: " + hash
        + "\r\nx-amz-date: " + amzDate + "\r\nAuthorization: " + auth + "\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    request.write(bytes);
    return RawHttp.exchange(proxy.endpoint(), request.toByteArray(), Duration.ofSeconds(20));
  }

  @Test
  void bucketFromTheHostHeader() throws Exception {
    int port = proxy.port();
    String pathHost = "127.0.0.1:" + port;
    String vhost = "vbucket.s3.test:" + port;
    assertTrue(exchange("PUT", pathHost, "/vbucket", "").startsWith("HTTP/1.1 200"));
    String put = exchange("PUT", vhost, "/dir/hello.txt", "hello, virtual host");
    assertTrue(put.startsWith("HTTP/1.1 200"), put);
    String pathGet = exchange("GET", pathHost, "/vbucket/dir/hello.txt", "");
    assertTrue(pathGet.startsWith("HTTP/1.1 200") && pathGet.endsWith("hello, virtual host"), pathGet);
    String vhostGet = exchange("GET", vhost, "/dir/hello.txt", "");
    assertTrue(vhostGet.endsWith("hello, virtual host"), vhostGet);
    String list = exchange("GET", vhost, "/", "");
    assertTrue(list.contains("<Key>dir/hello.txt</Key>"), list);
    assertEquals(List.of("dir/hello.txt"), proxy.backend().keys("vbucket"), "one object, stored path-style under its bucket");
  }
}
