package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presigned GET URLs made by Debian's AWS CLI v2 ({@code aws s3 presign}) with temporary
 * credentials (token in the signed query) and fetched with {@link HttpClient}: the bytes come back;
 * X-Amz-Expires above a week is 400 AuthorizationQueryParametersError; with an injected clock, a
 * URL past X-Amz-Expires is 403 AccessDenied, a URL whose session expired first is 400
 * ExpiredToken, and a URL dated 20 minutes ahead is 403 AccessDenied.
 */
@Timeout(120)
class PresignTest {
  static final String KEY = "AKIAPRESIGNCLI000001";
  static final String SECRET = "presign-cli-secret-presign-cli-secret-0";
  static final String WEIRD_KEY = "dir/a b+ü.bin";
  static final String WEIRD_PATH = "/presign/dir/a%20b%2B%C3%BC.bin";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  /** Real time until a test moves it; the CLI signs with real time, which this starts at. */
  final MutableClock clock = MutableClock.ticking();

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: presigner
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          policies:
            assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
      roles:
        - name: reader
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/presigner"}, Action: "sts:AssumeRole"}]
      """.formatted(KEY, SECRET)).clock(clock);

  private byte[] seed() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/presign", "").statusCode());
    byte[] data = new byte[100_000];
    new Random(6).nextBytes(data);
    assertEquals(200, admin.put("/presign/k.bin", data).statusCode());
    assertEquals(200, admin.put(WEIRD_PATH, data).statusCode());
    return data;
  }

  /** {@code aws s3 presign} with the session's keys and token in the environment; the result and its transcript. */
  private CliRunner.Result presign(CliRunner cli, Credentials c, String object, long expires) throws Exception {
    Map<String, String> env = CliRunner.awsEnv(dir, c.accessKeyId(), c.secretAccessKey());
    env.put("AWS_SESSION_TOKEN", c.sessionToken());
    return cli.withEnv(env).run(dir, "/usr/bin/aws", "s3", "presign", "s3://presign/" + object, "--expires-in",
        Long.toString(expires), "--endpoint-url", proxy.endpoint());
  }

  private String presignedUrl(CliRunner cli, Credentials c, String object, long expires) throws Exception {
    CliRunner.Result r = presign(cli, c, object, expires);
    assertEquals(0, r.exitCode(), cli.transcript());
    String url = r.stdout().strip();
    assertTrue(url.startsWith(proxy.endpoint() + "/presign/"), "path-style URL on the proxy: " + url);
    assertTrue(url.contains("X-Amz-Security-Token="), "the token travels in the query: " + url);
    return url;
  }

  private static HttpResponse<byte[]> fetch(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static void assertError(HttpResponse<byte[]> r, int status, String code) {
    assertEquals(status, r.statusCode(), text(r));
    assertEquals(code, RawS3Client.element(text(r), "Code"), text(r));
  }

  private Credentials assumeRole() throws Exception {
    StsClient.Response r = proxy.sts().call(KEY, SECRET, null, "AssumeRole",
        Map.of("RoleArn", "arn:aws:iam::123456789012:role/reader", "RoleSessionName", "presign"));
    assertEquals(200, r.status(), r.body());
    return r.credentials("AssumeRole");
  }

  @Test
  void cliPresignedUrlsWithARoleSessionReturnTheBytes() throws Exception {
    CliRunner cli = new CliRunner(Map.of());
    byte[] data = seed();
    Credentials role = assumeRole();

    HttpResponse<byte[]> plain = fetch(presignedUrl(cli, role, "k.bin", 3600));
    assertEquals(200, plain.statusCode(), text(plain));
    assertArrayEquals(data, plain.body());
    HttpResponse<byte[]> weird = fetch(presignedUrl(cli, role, WEIRD_KEY, 3600));
    assertEquals(200, weird.statusCode(), text(weird));
    assertArrayEquals(data, weird.body());
    // The longest lifetime S3 allows is still accepted.
    assertEquals(200, fetch(presignedUrl(cli, role, "k.bin", 604800)).statusCode());

    HttpResponse<byte[]> missing = fetch(presignedUrl(cli, role, "nope.bin", 3600));
    assertEquals(404, missing.statusCode(), "the read-only role may list, so a missing key is 404: " + text(missing));

    String url = presignedUrl(cli, role, "k.bin", 3600);
    String token = url.replaceAll(".*X-Amz-Security-Token=([^&]*).*", "$1");
    int at = token.length() / 2;
    String altered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    assertError(fetch(url.replace(token, altered)), 400, "InvalidToken");
    assertError(fetch(url.replace("&X-Amz-Security-Token=" + token, "")), 403, "InvalidAccessKeyId");
  }

  @Test
  void moreThanAWeekIsAnAuthorizationQueryParametersError() throws Exception {
    CliRunner cli = new CliRunner(Map.of());
    seed();
    Credentials role = assumeRole();
    CliRunner.Result r = presign(cli, role, "k.bin", 604801);
    if (r.exitCode() != 0) {
      assertTrue(r.all().contains("604800") || r.all().toLowerCase().contains("expires"), cli.transcript());
    } else {
      assertError(fetch(r.stdout().strip()), 403, "AuthorizationQueryParametersError");
    }
    // Whatever the CLI does, a URL that says so is refused by the proxy.
    RawS3Client raw = new RawS3Client(proxy.endpoint());
    String week = raw.presign("GET", "/presign/k.bin", role.accessKeyId(), role.secretAccessKey(), role.sessionToken(),
        clock.instant(), 604801);
    HttpResponse<byte[]> tooLong = fetch(week);
    assertError(tooLong, 403, "AuthorizationQueryParametersError"); // 403, as s3-tests asserts (passes on AWS)
    assertTrue(text(tooLong).contains("604800"), text(tooLong));
    String negative = raw.presign("GET", "/presign/k.bin", role.accessKeyId(), role.secretAccessKey(), role.sessionToken(),
        clock.instant(), -1);
    assertError(fetch(negative), 403, "AuthorizationQueryParametersError");
  }

  @Test
  void aUrlDiesWithItsOwnExpiryOrItsSessionWhicheverComesFirst() throws Exception {
    CliRunner cli = new CliRunner(Map.of());
    byte[] data = seed();
    StsClient.Response gst = proxy.sts().call(KEY, SECRET, null, "GetSessionToken",
        Map.of("DurationSeconds", "900"));
    assertEquals(200, gst.status(), gst.body());
    Credentials session = gst.credentials("GetSessionToken");
    // The CLI signs with the real time, which the injected clock starts at.
    String shortUrl = presignedUrl(cli, session, "k.bin", 60);
    String longUrl = presignedUrl(cli, session, "k.bin", 3600);
    HttpResponse<byte[]> fresh = fetch(shortUrl);
    assertEquals(200, fresh.statusCode(), text(fresh));
    assertArrayEquals(data, fresh.body());

    RawS3Client raw = new RawS3Client(proxy.endpoint());
    String ahead = raw.presign("GET", "/presign/k.bin", session.accessKeyId(), session.secretAccessKey(),
        session.sessionToken(), clock.instant().plus(Duration.ofMinutes(20)), 3600);
    assertError(fetch(ahead), 403, "AccessDenied");

    clock.advance(Duration.ofSeconds(120));
    HttpResponse<byte[]> expiredUrl = fetch(shortUrl);
    assertError(expiredUrl, 403, "AccessDenied");
    assertTrue(text(expiredUrl).contains("Request has expired"), text(expiredUrl));
    HttpResponse<byte[]> stillValid = fetch(longUrl);
    assertEquals(200, stillValid.statusCode(), text(stillValid));

    clock.advance(Duration.ofSeconds(900));
    HttpResponse<byte[]> expiredSession = fetch(longUrl);
    assertError(expiredSession, 400, "ExpiredToken");
  }
}
