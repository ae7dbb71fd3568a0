package dev.tokengate.proxy;

import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny S3 client for tests that need what real clients won't send: a chosen request time, a
 * wrong secret, extra headers. Signs with the proxy's own {@link RequestSigner}.
 */
final class RawS3Client {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String endpoint;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  RawS3Client(String endpoint) {
    this.endpoint = endpoint;
  }

  HttpResponse<String> send(
      String method, String rawPathAndQuery, byte[] body, String accessKey, String secret, Instant time,
      Map<String, String> extraHeaders) throws IOException, InterruptedException {
    URI uri = URI.create(endpoint + rawPathAndQuery);
    String host = uri.getHost() + ":" + uri.getPort();
    String amzDate = AMZ_DATE.format(time);
    String hash = sha256(body);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", host);
    headers.put("x-amz-date", amzDate);
    headers.put("x-amz-content-sha256", hash);
    headers.putAll(extraHeaders);
    hash = headers.get("x-amz-content-sha256");
    List<SignedRequest.Header> list = new ArrayList<>();
    headers.forEach((k, v) -> list.add(new SignedRequest.Header(k, v)));
    int q = rawPathAndQuery.indexOf('?');
    SignedRequest toSign =
        new SignedRequest(
            method,
            q < 0 ? rawPathAndQuery : rawPathAndQuery.substring(0, q),
            q < 0 ? "" : rawPathAndQuery.substring(q + 1),
            list);
    String authorization =
        new RequestSigner(new SigningKeyCache(16))
            .authorization(toSign, accessKey, secret, "us-east-1", "s3", amzDate, hash);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Authorization", authorization);
    headers.forEach(
        (k, v) -> {
          if (!k.equals("host")) {
            request.header(k, v);
          }
        });
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text of an XML element in an error body, or null. */
  static String element(String xml, String name) {
    int start = xml.indexOf("<" + name + ">");
    int end = xml.indexOf("</" + name + ">");
    return start < 0 || end < 0 ? null : xml.substring(start + name.length() + 2, end);
  }
}
