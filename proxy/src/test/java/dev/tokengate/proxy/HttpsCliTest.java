package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS CLI over HTTPS with the generated certificate: GetSessionToken with long-term keys, then
 * S3 (mb, a multipart cp of 9 MiB up and down, ls) with the session, first with
 * {@code --no-verify-ssl}, then trusting the certificate through {@code AWS_CA_BUNDLE}; the pyenv
 * CLI v1 too. The admin listener's /metrics then shows what ran. Transcript:
 * {@code target/https-cli-transcript.txt}.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpsCliTest {
  static final String DEV_KEY = "AKIADEVUSER000000001";
  static final String DEV_SECRET = "dev-secret-dev-secret-dev-secret-000000";
  static final String READER_KEY = "AKIAREADER0000000001";
  static final String READER_SECRET = "reader-secret-reader-secret-reader-000";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      tls: {listen: "127.0.0.1:0"}
      admin: {listen: "127.0.0.1:0"}
      users:
        - name: dev
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
        - name: reader
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
      """.formatted(DEV_KEY, DEV_SECRET, READER_KEY, READER_SECRET));

  static final CliRunner runner = new CliRunner(Map.of());

  @AfterAll
  static void transcript() throws Exception {
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/https-cli-transcript.txt"), runner.transcript());
  }

  static CliRunner.Result aws(String binary, Map<String, String> extraEnv, String key, String secret, String token,
      String... args) throws Exception {
    Map<String, String> env = CliRunner.awsEnv(work, key, secret);
    if (token != null) {
      env.put("AWS_SESSION_TOKEN", token);
    }
    env.putAll(extraEnv);
    List<String> command = new ArrayList<>(List.of(binary, "--endpoint-url", proxy.httpsEndpoint(), "--region",
        "us-east-1", "--output", "json"));
    command.addAll(List.of(args));
    return runner.withEnv(env).run(work, command.toArray(String[]::new));
  }

  static JsonNode sessionToken(String binary, Map<String, String> env, String... tlsArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of(tlsArgs));
    args.addAll(List.of("sts", "get-session-token", "--duration-seconds", "3600"));
    CliRunner.Result r = aws(binary, env, DEV_KEY, DEV_SECRET, null, args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.all());
    JsonNode credentials = JSON.readTree(r.stdout()).get("Credentials");
    assertTrue(credentials.get("AccessKeyId").asText().startsWith("ASIA"), r.stdout());
    return credentials;
  }

  /** mb, cp up (multipart), ls, cp down with a session; the download must equal the upload. */
  static void s3RoundTrip(Map<String, String> env, JsonNode session, String bucket, String... tlsArgs) throws Exception {
    String key = session.get("AccessKeyId").asText();
    String secret = session.get("SecretAccessKey").asText();
    String token = session.get("SessionToken").asText();
    byte[] data = new byte[9 * 1024 * 1024 + 123];
    new Random(42).nextBytes(data);
    Path up = work.resolve(bucket + "-up.bin");
    Path down = work.resolve(bucket + "-down.bin");
    Files.write(up, data);
    for (String[] args : List.of(
        new String[] {"s3", "mb", "s3://" + bucket},
        new String[] {"s3", "cp", up.toString(), "s3://" + bucket + "/big.bin"},
        new String[] {"s3", "ls", "s3://" + bucket},
        new String[] {"s3", "cp", "s3://" + bucket + "/big.bin", down.toString()})) {
      List<String> all = new ArrayList<>(List.of(tlsArgs));
      all.addAll(List.of(args));
      CliRunner.Result r = aws("/usr/bin/aws", env, key, secret, token, all.toArray(String[]::new));
      assertEquals(0, r.exitCode(), r.all());
      if (args[1].equals("ls")) {
        assertTrue(r.stdout().contains(data.length + " big.bin"), r.stdout());
      }
    }
    assertArrayEquals(data, Files.readAllBytes(down));
  }

  @Test
  @Order(1)
  void cliV2WithoutVerification() throws Exception {
    JsonNode session = sessionToken("/usr/bin/aws", Map.of(), "--no-verify-ssl");
    s3RoundTrip(Map.of(), session, "tls-noverify", "--no-verify-ssl");
  }

  @Test
  @Order(2)
  void cliV2TrustingTheGeneratedCertificate() throws Exception {
    Map<String, String> env = Map.of("AWS_CA_BUNDLE", proxy.server().tls().files().certificateChain().toString());
    JsonNode session = sessionToken("/usr/bin/aws", env);
    s3RoundTrip(env, session, "tls-cabundle");
    // Without the bundle or --no-verify-ssl the self-signed certificate is refused by the client.
    CliRunner.Result untrusted = aws("/usr/bin/aws", Map.of(), DEV_KEY, DEV_SECRET, null, "sts", "get-caller-identity");
    assertTrue(untrusted.exitCode() != 0 && untrusted.all().contains("CERTIFICATE_VERIFY_FAILED"), untrusted.all());
  }

  @Test
  @Order(3)
  void cliV1GetSessionToken() throws Exception {
    Path v1 = CliRunner.awsV1();
    assumeTrue(v1 != null, "no AWS CLI v1 on PATH");
    sessionToken(v1.toString(), Map.of("AWS_CA_BUNDLE", proxy.server().tls().files().certificateChain().toString()));
  }

  @Test
  @Order(4)
  void metricsShowWhatRan() throws Exception {
    // A denied write, to be counted as a denial.
    CliRunner.Result denied = aws("/usr/bin/aws", Map.of(), READER_KEY, READER_SECRET, null, "--no-verify-ssl",
        "s3api", "put-object", "--bucket", "tls-noverify", "--key", "nope", "--body", "/etc/hostname");
    assertTrue(denied.all().contains("AccessDenied"), denied.all());
    String metrics = scrape();
    assertTrue(value(metrics, "tokengate_sts_calls_total{action=\"GetSessionToken\",outcome=\"success\"}") >= 2, metrics);
    assertTrue(value(metrics, "tokengate_sessions_issued_total") >= 2, metrics);
    assertTrue(value(metrics, "tokengate_requests_total{operation=\"CreateMultipartUpload\",status=\"200\"}") >= 2);
    assertTrue(value(metrics, "tokengate_requests_total{operation=\"UploadPart\",status=\"200\"}") >= 4);
    // The CLI downloads a large object in ranged parts: 206.
    assertTrue(value(metrics, "tokengate_requests_total{operation=\"GetObject\",status=\"206\"}") >= 4, metrics);
    assertTrue(value(metrics, "tokengate_requests_total{operation=\"PutObject\",status=\"403\"}") >= 1);
    assertTrue(value(metrics, "tokengate_authorization_denials_total{action=\"s3:PutObject\"}") >= 1, metrics);
    assertTrue(value(metrics, "tokengate_bytes_received_total") >= 2 * 9 * 1024 * 1024);
    assertTrue(value(metrics, "tokengate_bytes_sent_total") >= 2 * 9 * 1024 * 1024);
    assertTrue(value(metrics, "tokengate_backend_request_seconds_count") > 0, metrics);
    assertTrue(value(metrics, "tokengate_response_first_byte_seconds_count") > 0, metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM binders");
    assertTrue(metrics.contains("netty_allocator_pooled_used_direct_bytes"), "allocator gauges");
    assertTrue(metrics.contains("tokengate_client_connections"), "connection gauge");
  }

  static String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(proxy.adminEndpoint() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  /** The sample's value, 0 when absent (a series appears with its first event). */
  static double value(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
