package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.sigv4.SignedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A complete client session with DEBUG logging everywhere: STS GetSessionToken and AssumeRole,
 * uploads and reads with the temporary keys, a denial, a bad signature, a bad token. No secret key,
 * session token or valid request signature may appear in any log line (message, arguments, MDC,
 * stack trace) or in any response body.
 */
@Timeout(180)
class SecretsInLogsTest {
  static final String ALICE_KEY = "AKIAALICE00000000001";
  static final String ALICE_SECRET = "alice-secret-alice-secret-alice-secret-0";

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: alice
          accessKeys: [{id: %s, secret: %s}]
          policies:
            work:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: ["sts:AssumeRole", "sts:GetSessionToken"], Resource: "*"}
                - {Effect: Allow, Action: "s3:*", Resource: ["arn:aws:s3:::sec", "arn:aws:s3:::sec/*"]}
      roles:
        - name: writer
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}]
      """.formatted(ALICE_KEY, ALICE_SECRET));

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Map<Logger, Level> previousLevels = new LinkedHashMap<>();
  private final List<String> secrets = new ArrayList<>();
  private final List<String> bodies = new ArrayList<>();

  @BeforeEach
  void captureDebugLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    captured.setContext(context);
    captured.start();
    for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.tokengate", "io.netty", "org.gaul", "org.eclipse.jetty")) {
      Logger logger = context.getLogger(name);
      previousLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
  }

  @AfterEach
  void restoreLogging() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    previousLevels.forEach(Logger::setLevel);
  }

  @Test
  void noSecretAppearsInAnyLogLineOrErrorBody() throws Exception {
    secrets.add(ALICE_SECRET);
    StsClient sts = proxy.sts();
    Credentials alice = Credentials.of(ALICE_KEY, ALICE_SECRET);

    StsClient.Response session = sts.call(alice, "GetSessionToken", Map.of());
    assertEquals(200, session.status(), session.body());
    Credentials temp = session.credentials("GetSessionToken");
    remember(temp);

    StsClient.Response assumed = sts.call(temp.accessKeyId(), temp.secretAccessKey(), temp.sessionToken(),
        "AssumeRole", Map.of("RoleArn", "arn:aws:iam::123456789012:role/writer", "RoleSessionName", "sess"));
    // AssumeRole with GetSessionToken credentials: whether answered or refused, nothing may leak.
    Credentials writer;
    if (assumed.status() == 200) {
      writer = assumed.credentials("AssumeRole");
      remember(writer);
    } else {
      bodies.add(assumed.body());
      StsClient.Response direct = sts.call(alice, "AssumeRole",
          Map.of("RoleArn", "arn:aws:iam::123456789012:role/writer", "RoleSessionName", "sess"));
      assertEquals(200, direct.status(), direct.body());
      writer = direct.credentials("AssumeRole");
      remember(writer);
    }

    RawS3Client asTemp = proxy.client(temp);
    RawS3Client asWriter = proxy.client(writer);
    check(asTemp, "PUT", "/sec", "", 200);
    check(asTemp, "PUT", "/sec/a.txt", "hello", 200);
    check(asWriter, "PUT", "/other", "", 200);
    check(asWriter, "PUT", "/other/b.txt", "world", 200);
    check(asTemp, "GET", "/sec/a.txt", "", 200);
    // A denial: alice's session may not touch another bucket.
    check(asTemp, "GET", "/other/b.txt", "", 403);
    // An error: a missing object.
    check(asTemp, "GET", "/sec/missing", "", 404);
    // A bad signature (wrong secret with a valid token) and a tampered token.
    HttpResponse<String> badSig = proxy.client(new Credentials(temp.accessKeyId(), "wrong-" + temp.secretAccessKey(),
        temp.sessionToken())).get("/sec/a.txt");
    assertEquals(403, badSig.statusCode());
    bodies.add(badSig.body());
    String token = temp.sessionToken();
    HttpResponse<String> badToken = proxy.client(temp.withToken(token.substring(0, token.length() - 2) + "AA"))
        .get("/sec/a.txt");
    assertEquals(400, badToken.statusCode() / 100 * 100);
    bodies.add(badToken.body());
    StsClient.Response badStsSig = sts.call(ALICE_KEY, "wrong", null, "GetSessionToken", Map.of());
    assertEquals(403, badStsSig.status());
    bodies.add(badStsSig.body());

    List<String> lines = logLines();
    assertTrue(lines.stream().anyMatch(l -> l.contains("DEBUG")), "debug logging was on and captured");
    assertFalse(secrets.isEmpty());
    for (String secret : secrets) {
      for (String line : lines) {
        assertFalse(line.contains(secret), "a secret (" + secret.substring(0, 6) + "…) in the log: " + line);
      }
      for (String body : bodies) {
        assertFalse(body.contains(secret), "a secret (" + secret.substring(0, 6) + "…) in an error body: " + body);
      }
    }
  }

  private void remember(Credentials c) {
    secrets.add(c.secretAccessKey());
    secrets.add(c.sessionToken());
  }

  /** Sends a request signed now, records its (valid) signature as a secret, checks the status. */
  private void check(RawS3Client client, String method, String path, String body, int status) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Credentials keys = client.credentials();
    String hostPort = proxy.hostPort();
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("host", hostPort));
    headers.add(new SignedRequest.Header("x-amz-date", RawS3Client.amzDate(now)));
    headers.add(new SignedRequest.Header("x-amz-content-sha256", RawS3Client.sha256(bytes)));
    headers.add(new SignedRequest.Header("x-amz-security-token", keys.sessionToken()));
    String authorization = RawS3Client.authorization(method, path, "", headers, RawS3Client.sha256(bytes), keys,
        RawS3Client.amzDate(now), "us-east-1");
    secrets.add(authorization.substring(authorization.indexOf("Signature=") + "Signature=".length()));
    HttpResponse<String> r = client.send(method, path, bytes, keys.accessKeyId(), keys.secretAccessKey(), now,
        Map.of("x-amz-security-token", keys.sessionToken()));
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
    if (status >= 400) {
      bodies.add(r.body());
    }
  }

  private List<String> logLines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      StringBuilder sb = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
      e.getMDCPropertyMap().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        sb.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
          sb.append(' ').append(frame.getSTEAsString());
        }
      }
      lines.add(sb.toString());
    }
    return lines;
  }
}
