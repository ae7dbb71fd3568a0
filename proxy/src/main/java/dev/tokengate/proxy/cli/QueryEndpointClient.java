package dev.tokengate.proxy.cli;

import dev.tokengate.proxy.identity.BootstrapAdmin;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SigV4-signed call of the AWS query protocol (a form POSTed to {@code /}) to a tokengate
 * endpoint, IAM for the operator commands and STS for {@link CredentialsCommand}.
 */
final class QueryEndpointClient {
  private static final Pattern FIELD = Pattern.compile("<(\\w+)>([^<]*)<");

  private QueryEndpointClient() {}

  static String[] credentials(Map<String, String> env, Path dataDir) throws IOException {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && secret != null) {
      return new String[] {id, secret};
    }
    if (dataDir == null || !Files.exists(dataDir.resolve("admin.yaml"))) {
      throw new IllegalArgumentException("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
          + "--data-dir to a directory with admin.yaml");
    }
    BootstrapAdmin admin = BootstrapAdmin.loadOrCreate(dataDir, null);
    return new String[] {admin.accessKeyId(), admin.secretAccessKey()};
  }

  static HttpResponse<String> post(URI endpoint, Map<String, String> form, String keyId, String secret)
      throws IOException, InterruptedException {
    return post(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), endpoint, form,
        new Signer(keyId, secret, null, "us-east-1", "iam"));
  }

  /** Who signs, for which region and service; {@code sessionToken} null for long-term keys. */
  record Signer(String keyId, String secret, String sessionToken, String region, String service) {}

  static HttpResponse<String> post(HttpClient client, URI endpoint, Map<String, String> form, Signer signer)
      throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    String hash = sha256(bytes);
    String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC));
    String host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    String contentType = "application/x-www-form-urlencoded; charset=utf-8";
    List<SignedRequest.Header> headers = new java.util.ArrayList<>(List.of(
        new SignedRequest.Header("content-type", contentType), new SignedRequest.Header("host", host),
        new SignedRequest.Header("x-amz-content-sha256", hash), new SignedRequest.Header("x-amz-date", amzDate)));
    if (signer.sessionToken() != null) {
      headers.add(new SignedRequest.Header("x-amz-security-token", signer.sessionToken()));
    }
    String authorization = new RequestSigner(new SigningKeyCache(4)).authorization(
        new SignedRequest("POST", "/", "", headers), signer.keyId(), signer.secret(), signer.region(),
        signer.service(), amzDate, hash);
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve("/"))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", contentType)
        .header("x-amz-content-sha256", hash)
        .header("x-amz-date", amzDate)
        .header("authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (signer.sessionToken() != null) {
      request.header("x-amz-security-token", signer.sessionToken());
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static Map<String, String> fields(String xml) {
    Map<String, String> m = new LinkedHashMap<>();
    Matcher f = FIELD.matcher(xml);
    while (f.find()) {
      m.putIfAbsent(f.group(1), f.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
          .replace("&apos;", "'").replace("&amp;", "&"));
    }
    return m;
  }

}
