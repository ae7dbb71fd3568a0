package dev.tokengate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokengate credentials} as the AWS CLI's {@code credential_process}: a profile that keeps
 * working across a session's expiry with no user action, cached answers reused until shortly
 * before expiry, AWS's error text and a non-zero exit for a role the keys may not assume.
 */
@Timeout(300)
class CredentialsCommandTest {
  static final String ACCOUNT = "123456789012";
  static final Credentials DEV = Credentials.of("AKIADEV0000000000001", "dev-secret-dev-secret-dev-secret-dev-00");
  static final ObjectMapper JSON = new ObjectMapper();
  /**
   * 500 s behind real time: the 900 s sessions can then expire on the proxy's clock (advanced by
   * 1000 s) while the clients' real-time signatures stay within its 15 minutes of allowed skew.
   */
  static final MutableClock clock = behind(Duration.ofSeconds(500));

  static MutableClock behind(Duration d) {
    MutableClock c = MutableClock.ticking();
    c.advance(d.negated());
    return c;
  }

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: dev
          accessKeys: [{id: AKIADEV0000000000001, secret: dev-secret-dev-secret-dev-secret-dev-00}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          policies:
            assume:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/*"}
                - {Effect: Allow, Action: "sts:GetFederationToken", Resource: "*"}
      roles:
        - name: reader
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/dev"}, Action: "sts:AssumeRole"}
        - name: locked
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/nobody"}, Action: "sts:AssumeRole"}
      """).clock(clock);

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws Exception {
    assertEquals(200, proxy.adminClient().put("/shelf", "").statusCode());
    assertEquals(200, proxy.adminClient().put("/shelf/book.txt", "words").statusCode());
    Files.writeString(work.resolve("credentials"), """
        [src]
        aws_access_key_id = %s
        aws_secret_access_key = %s
        """.formatted(DEV.accessKeyId(), DEV.secretAccessKey()));
    String process = javaCommand() + " credentials --endpoint " + proxy.endpoint() + " --source-profile src"
        + " --cache-dir " + work.resolve("cache");
    Files.writeString(work.resolve("config"), """
        [profile tg]
        region = us-east-1
        credential_process = %1$s --role-arn arn:aws:iam::%2$s:role/reader --role-session-name cli --duration-seconds 900
        [profile locked]
        region = us-east-1
        credential_process = %1$s --role-arn arn:aws:iam::%2$s:role/locked
        """.formatted(process, ACCOUNT));
  }

  /** This JVM and class path: what {@code java -jar tokengate.jar} runs, without packaging the jar. */
  static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java") + " -cp " + System.getProperty("java.class.path")
        + " dev.tokengate.proxy.Main";
  }

  static CliRunner.Result aws(String... args) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_CONFIG_FILE", work.resolve("config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_PAGER", "");
    env.put("HOME", work.toString());
    List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", proxy.endpoint()));
    command.addAll(List.of(args));
    return new CliRunner(env).run(work, command.toArray(String[]::new));
  }

  static List<Path> cacheFiles() throws Exception {
    try (Stream<Path> files = Files.list(work.resolve("cache"))) {
      return files.filter(f -> f.toString().endsWith(".json")).toList();
    }
  }

  @Test
  void aCredentialProcessProfileKeepsWorkingAcrossASessionExpiry() throws Exception {
    CliRunner.Result first = aws("s3", "ls", "s3://shelf/", "--profile", "tg");
    assertEquals(0, first.exitCode(), first.all());
    assertTrue(first.stdout().contains("book.txt"), first.all());
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/reader/cli", JSON.readTree(
        aws("sts", "get-caller-identity", "--profile", "tg", "--output", "json").stdout()).get("Arn").asText());
    List<Path> cached = cacheFiles();
    assertEquals(1, cached.size(), cached.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cached.get(0))));
    JsonNode old = JSON.readTree(Files.readString(cached.get(0)));

    // The session's 900 s pass on the proxy's clock (a 900 s session is always inside the default
    // 900 s refresh margin, so the next run asks again rather than hand out the expiring answer).
    clock.advance(Duration.ofSeconds(1000));
    Credentials expired = new Credentials(old.get("AccessKeyId").asText(), old.get("SecretAccessKey").asText(),
        old.get("SessionToken").asText());
    var stale = new RawS3Client(proxy.endpoint(), expired, clock).get("/shelf?list-type=2");
    assertEquals(400, stale.statusCode(), stale.body());
    assertEquals("ExpiredToken", RawS3Client.element(stale.body(), "Code"));

    CliRunner.Result after = aws("s3", "ls", "s3://shelf/", "--profile", "tg");
    assertEquals(0, after.exitCode(), after.all());
    assertTrue(after.stdout().contains("book.txt"), after.all());
    JsonNode renewed = JSON.readTree(Files.readString(cacheFiles().get(0)));
    assertNotEquals(old.get("AccessKeyId").asText(), renewed.get("AccessKeyId").asText());
    assertTrue(Instant.parse(renewed.get("Expiration").asText()).isAfter(clock.instant()), renewed.toString());

    // The AWS CLI v1 (botocore's own credential_process support) reads the same profile.
    Path v1 = CliRunner.awsV1();
    assertTrue(v1 != null, "the AWS CLI v1 (pyenv) is installed");
    Map<String, String> env = new HashMap<>(Map.of("AWS_CONFIG_FILE", work.resolve("config").toString(),
        "AWS_SHARED_CREDENTIALS_FILE", work.resolve("credentials").toString(), "AWS_EC2_METADATA_DISABLED", "true",
        "AWS_PAGER", "")); // HOME stays: pyenv's shim finds its Python there
    CliRunner.Result viaV1 = new CliRunner(env).run(work, v1.toString(), "--endpoint-url", proxy.endpoint(), "s3",
        "ls", "s3://shelf/", "--profile", "tg");
    assertEquals(0, viaV1.exitCode(), viaV1.all());
    assertTrue(viaV1.stdout().contains("book.txt"), viaV1.all());
  }

  @Test
  void aRoleTheKeysMayNotAssumeGivesAwsErrorTextAndANonZeroExit() throws Exception {
    CliRunner.Result r = aws("s3", "ls", "--profile", "locked");
    assertTrue(r.exitCode() != 0, r.all());
    assertTrue(r.stderr().contains("An error occurred (AccessDenied) when calling the AssumeRole operation"),
        r.all());
    assertTrue(!r.all().contains(DEV.secretAccessKey()), "the source secret is never printed");
  }

  @Test
  void anAnswerIsReusedUntilItsRefreshMarginThenRenewed(@TempDir Path cache) throws Exception {
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", DEV.accessKeyId(), "AWS_SECRET_ACCESS_KEY",
        DEV.secretAccessKey(), "HOME", cache.toString());
    List<String> args = List.of("--endpoint", proxy.endpoint(), "--duration-seconds", "3600", "--cache-dir",
        cache.toString());
    Instant now = clock.instant();
    JsonNode first = run(args, env, Clock.fixed(now, ZoneOffset.UTC));
    assertEquals(1, first.get("Version").asInt());
    assertTrue(first.get("AccessKeyId").asText().startsWith("ASIA"), first.toString());
    JsonNode again = run(args, env, Clock.fixed(now.plusSeconds(2600), ZoneOffset.UTC));
    assertEquals(first, again, "within 3600 - 900 s the cached answer is given");
    JsonNode renewed = run(args, env, Clock.fixed(now.plusSeconds(2800), ZoneOffset.UTC));
    assertNotEquals(first.get("AccessKeyId"), renewed.get("AccessKeyId"), "inside the margin it asks again");
    // GetFederationToken is another question: another cache entry, another session.
    List<String> federated = new ArrayList<>(args);
    federated.addAll(List.of("--federation-name", "bob"));
    JsonNode fed = run(federated, env, Clock.fixed(now, ZoneOffset.UTC));
    assertNotEquals(renewed.get("AccessKeyId"), fed.get("AccessKeyId"));
  }

  @Test
  void badUsageIsExit2WithTheProblemNamed() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CredentialsCommand.run(List.of("--role-arn", "x", "--federation-name", "y", "--endpoint",
        "http://127.0.0.1:1"), Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), clock);
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("give --role-arn or --federation-name, not both"));
    err.reset();
    code = CredentialsCommand.run(List.of("--endpoint", "http://127.0.0.1:1", "--source-profile", "ghost"),
        Map.of("HOME", work.toString(), "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString(),
            "AWS_CONFIG_FILE", work.resolve("none").toString()), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err), clock);
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("profile 'ghost' has no aws_access_key_id"));
  }

  @Test
  void anEndpointThatDoesNotAnswerIsExit1() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int code = CredentialsCommand.run(List.of("--endpoint", "http://127.0.0.1:" + port, "--no-cache"),
        Map.of("AWS_ACCESS_KEY_ID", DEV.accessKeyId(), "AWS_SECRET_ACCESS_KEY", DEV.secretAccessKey()),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), clock);
    assertEquals(1, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("could not get credentials from the endpoint"));
  }

  private static JsonNode run(List<String> args, Map<String, String> env, Clock at) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CredentialsCommand.run(args, env, new PrintStream(out), new PrintStream(err), at);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }
}
