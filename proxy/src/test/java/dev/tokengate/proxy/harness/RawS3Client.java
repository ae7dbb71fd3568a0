package dev.tokengate.proxy.harness;

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
import java.time.Clock;
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
 * A tiny SigV4 S3 client for tests that need what real clients won't send: a chosen request time, a
 * wrong secret, extra headers, a raw path. Signs with the proxy's own {@link RequestSigner}.
 *
 * <p>Unbound ({@code new RawS3Client(endpoint)}) it signs with the keys and time each call names;
 * bound to {@link Credentials} and a clock (what {@link TokengateExtension#client} hands out) the
 * short forms {@link #get}, {@link #put}, … sign with those, adding {@code x-amz-security-token}
 * when the credentials carry a token.
 */
public final class RawS3Client {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  private final String endpoint;
  private final Credentials credentials;
  private final Clock clock;
  private final String region;

  public RawS3Client(String endpoint) {
    this(endpoint, null, Clock.systemUTC(), "us-east-1");
  }

  public RawS3Client(String endpoint, Credentials credentials, Clock clock) {
    this(endpoint, credentials, clock, "us-east-1");
  }

  /** @param region the signing region (a backend's, when the client talks to the backend directly) */
  public RawS3Client(String endpoint, Credentials credentials, Clock clock, String region) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.clock = clock;
    this.region = region;
  }

  /** The same endpoint and clock, signing as {@code other}. */
  public RawS3Client as(Credentials other) {
    return new RawS3Client(endpoint, other, clock, region);
  }

  public String endpoint() {
    return endpoint;
  }

  public Credentials credentials() {
    return credentials;
  }

  public HttpResponse<String> get(String rawPathAndQuery) throws IOException, InterruptedException {
    return send("GET", rawPathAndQuery, new byte[0], Map.of());
  }

  public HttpResponse<String> head(String rawPathAndQuery) throws IOException, InterruptedException {
    return send("HEAD", rawPathAndQuery, new byte[0], Map.of());
  }

  public HttpResponse<String> delete(String rawPathAndQuery) throws IOException, InterruptedException {
    return send("DELETE", rawPathAndQuery, new byte[0], Map.of());
  }

  public HttpResponse<String> put(String rawPathAndQuery, String body) throws IOException, InterruptedException {
    return send("PUT", rawPathAndQuery, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public HttpResponse<String> put(String rawPathAndQuery, byte[] body) throws IOException, InterruptedException {
    return send("PUT", rawPathAndQuery, body, Map.of());
  }

  /** Signed with the bound credentials at the clock's time. */
  public HttpResponse<String> send(String method, String rawPathAndQuery, byte[] body, Map<String, String> extraHeaders)
      throws IOException, InterruptedException {
    return exchange(method, rawPathAndQuery, body, bound(), clock.instant(), extraHeaders,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** As {@link #send(String, String, byte[], Map)}, the response body as bytes. */
  public HttpResponse<byte[]> sendForBytes(String method, String rawPathAndQuery, byte[] body, Map<String, String> extraHeaders)
      throws IOException, InterruptedException {
    return exchange(method, rawPathAndQuery, body, bound(), clock.instant(), extraHeaders,
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Signed with these keys at this time; {@code extraHeaders} may replace the content hash. */
  public HttpResponse<String> send(
      String method, String rawPathAndQuery, byte[] body, String accessKey, String secret, Instant time,
      Map<String, String> extraHeaders) throws IOException, InterruptedException {
    return exchange(method, rawPathAndQuery, body, Credentials.of(accessKey, secret), time, extraHeaders,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private Credentials bound() {
    if (credentials == null) {
      throw new IllegalStateException("this client is not bound to credentials; name the keys in the call");
    }
    return credentials;
  }

  private <T> HttpResponse<T> exchange(
      String method, String rawPathAndQuery, byte[] body, Credentials keys, Instant time, Map<String, String> extraHeaders,
      HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    URI uri = URI.create(endpoint + rawPathAndQuery);
    String amzDate = AMZ_DATE.format(time);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", uri.getHost() + ":" + uri.getPort());
    headers.put("x-amz-date", amzDate);
    headers.put("x-amz-content-sha256", sha256(body));
    if (keys.sessionToken() != null) {
      headers.put("x-amz-security-token", keys.sessionToken());
    }
    headers.putAll(extraHeaders);
    String hash = headers.get("x-amz-content-sha256");
    List<SignedRequest.Header> list = new ArrayList<>();
    headers.forEach((k, v) -> list.add(new SignedRequest.Header(k, v)));
    int q = rawPathAndQuery.indexOf('?');
    String authorization =
        authorization(method, q < 0 ? rawPathAndQuery : rawPathAndQuery.substring(0, q),
            q < 0 ? "" : rawPathAndQuery.substring(q + 1), list, hash, keys, amzDate, region);
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
    return HTTP.send(request.build(), handler);
  }

  /**
   * The SigV4 {@code Authorization} value for a request given exactly as it will be sent (raw path,
   * raw query, header lines), for tests that write requests byte by byte (see {@link RawHttp}).
   */
  public static String authorization(
      String method, String rawPath, String rawQuery, List<SignedRequest.Header> headers, String payloadHash,
      Credentials keys, String amzDate, String region) {
    return new RequestSigner(new SigningKeyCache(4))
        .authorization(new SignedRequest(method, rawPath, rawQuery, headers), keys.accessKeyId(), keys.secretAccessKey(),
            region, "s3", amzDate, payloadHash);
  }

  /** {@code yyyyMMdd'T'HHmmss'Z'}, as x-amz-date wants it. */
  public static String amzDate(Instant time) {
    return AMZ_DATE.format(time);
  }

  /** A presigned URL signed with the bound credentials (and token) at the clock's time. */
  public String presign(String method, String path, long expiresSeconds) {
    Credentials keys = bound();
    return presign(method, path, keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken(), clock.instant(), expiresSeconds);
  }

  /**
   * A presigned URL (query auth, {@code X-Amz-SignedHeaders=host}, UNSIGNED-PAYLOAD) as SDKs make
   * them, signed at {@code time}; {@code token} goes into the query (signed) unless null.
   */
  public String presign(
      String method, String path, String accessKey, String secret, String token, Instant time, long expiresSeconds) {
    URI uri = URI.create(endpoint + path);
    String amzDate = AMZ_DATE.format(time);
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), region, "s3");
    String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + queryEncode(accessKey + "/" + scope)
        + "&X-Amz-Date=" + amzDate + "&X-Amz-Expires=" + expiresSeconds
        + (token == null ? "" : "&X-Amz-Security-Token=" + queryEncode(token)) + "&X-Amz-SignedHeaders=host";
    List<SignedRequest.Header> headers = List.of(new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()));
    String signature = new RequestSigner(new SigningKeyCache(4))
        .signature(new SignedRequest(method, path, query, headers), List.of("host"), secret, scope, amzDate, "UNSIGNED-PAYLOAD");
    return endpoint + path + "?" + query + "&X-Amz-Signature=" + signature;
  }

  /** RFC 3986 encoding of a query value, as SigV4 canonical queries need it. */
  public static String queryEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }

  /**
   * S3's UriEncode of an object key for a path: unreserved characters and {@code /} kept, every
   * other UTF-8 byte as {@code %XX} (upper-case hex).
   */
  public static String keyPath(String key) {
    StringBuilder out = new StringBuilder(key.length() * 2);
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  public static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text of an XML element in an error body, or null. */
  public static String element(String xml, String name) {
    int start = xml.indexOf("<" + name + ">");
    int end = xml.indexOf("</" + name + ">");
    return start < 0 || end < 0 ? null : xml.substring(start + name.length() + 2, end);
  }
}
