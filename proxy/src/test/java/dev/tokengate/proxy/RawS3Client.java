package dev.tokengate.proxy;

import dev.tokengate.sigv4.CredentialScope;
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

  /**
   * A presigned URL (query auth, {@code X-Amz-SignedHeaders=host}, UNSIGNED-PAYLOAD) as SDKs make
   * them, signed at {@code time}; {@code token} goes into the query (signed) unless null.
   */
  String presign(
      String method, String path, String accessKey, String secret, String token, Instant time, long expiresSeconds) {
    URI uri = URI.create(endpoint + path);
    String amzDate = AMZ_DATE.format(time);
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), "us-east-1", "s3");
    String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + queryEncode(accessKey + "/" + scope)
        + "&X-Amz-Date=" + amzDate + "&X-Amz-Expires=" + expiresSeconds
        + (token == null ? "" : "&X-Amz-Security-Token=" + queryEncode(token)) + "&X-Amz-SignedHeaders=host";
    List<SignedRequest.Header> headers = List.of(new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()));
    String signature = new RequestSigner(new SigningKeyCache(4))
        .signature(new SignedRequest(method, path, query, headers), List.of("host"), secret, scope, amzDate, "UNSIGNED-PAYLOAD");
    return endpoint + path + "?" + query + "&X-Amz-Signature=" + signature;
  }

  /** RFC 3986 encoding of a query value, as SigV4 canonical queries need it. */
  static String queryEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
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
