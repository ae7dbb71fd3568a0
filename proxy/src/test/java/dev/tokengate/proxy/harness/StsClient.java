package dev.tokengate.proxy.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
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
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signs and sends STS query calls the way the AWS CLI does (form POST, service sts, no content hash header). */
public final class StsClient {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final XmlMapper XML = new XmlMapper();

  public record Response(int status, String body) {
    public JsonNode xml() throws IOException {
      return XML.readTree(body);
    }

    public String errorCode() throws IOException {
      return xml().path("Error").path("Code").asText();
    }

    public String errorMessage() throws IOException {
      return xml().path("Error").path("Message").asText();
    }

    /** The temporary credentials in an {@code <action>Result} (GetSessionToken, AssumeRole, …). */
    public Credentials credentials(String action) throws IOException {
      JsonNode c = xml().path(action + "Result").path("Credentials");
      return new Credentials(c.path("AccessKeyId").asText(), c.path("SecretAccessKey").asText(), c.path("SessionToken").asText());
    }
  }

  private final String endpoint;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public StsClient(String endpoint, Clock clock) {
    this.endpoint = endpoint;
    this.clock = clock;
  }

  public Response call(String accessKey, String secret, String token, String action, Map<String, String> params)
      throws IOException, InterruptedException {
    return call(accessKey, secret, token, action, params, "us-east-1");
  }

  /** The call signed with {@code caller}'s keys (and its token, when it has one). */
  public Response call(Credentials caller, String action, Map<String, String> params) throws IOException, InterruptedException {
    return call(caller.accessKeyId(), caller.secretAccessKey(), caller.sessionToken(), action, params);
  }

  /** @param region the signing region; STS accepts any, even the empty one the s3-tests suite sends */
  public Response call(
      String accessKey, String secret, String token, String action, Map<String, String> params, String region)
      throws IOException, InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Action", action);
    form.put("Version", "2011-06-15");
    form.putAll(params);
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(endpoint + "/");
    String amzDate = AMZ_DATE.format(clock.instant());
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("content-type", "application/x-www-form-urlencoded; charset=utf-8"));
    headers.add(new SignedRequest.Header("host", uri.getHost() + ":" + uri.getPort()));
    headers.add(new SignedRequest.Header("x-amz-date", amzDate));
    if (token != null) {
      headers.add(new SignedRequest.Header("x-amz-security-token", token));
    }
    String authorization =
        new RequestSigner(new SigningKeyCache(4))
            .authorization(new SignedRequest("POST", "/", "", headers), accessKey, secret, region, "sts", amzDate,
                RawS3Client.sha256(bytes));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .header("Authorization", authorization);
    for (SignedRequest.Header h : headers) {
      if (!h.name().equals("host")) {
        request.header(h.name(), h.value());
      }
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  /** An unsigned form POST, as the SDKs send AssumeRoleWithSAML and AssumeRoleWithWebIdentity. */
  public Response unsigned(String action, Map<String, String> params) throws IOException, InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Action", action);
    form.put("Version", "2011-06-15");
    form.putAll(params);
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/")).timeout(Duration.ofSeconds(20))
        .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
