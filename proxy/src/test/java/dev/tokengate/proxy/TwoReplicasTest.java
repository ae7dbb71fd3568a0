package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.cli.KeysCommand;
import dev.tokengate.proxy.cli.RevokeCommand;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.EtcdServer;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on loopback sharing one etcd and one backend: a session minted on A works on B; a
 * user created on A signs requests to B within a second; a revocation on A is refused on B within a
 * second; a key rotation on A is followed by B; with etcd stopped, IAM writes are 503 and S3 keeps
 * working from the last state seen until staleAfterSeconds, then is refused (503) until etcd is
 * back. The propagation delays are printed.
 */
@Timeout(300)
class TwoReplicasTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String OPERATOR_KEY = "AKIAREPLICAOPERATOR1";
  static final String OPERATOR_SECRET = "replica-operator-secret-replica-op-0001";
  static final Credentials OPERATOR = Credentials.of(OPERATOR_KEY, OPERATOR_SECRET);

  @TempDir static Path dir;
  static EtcdServer etcd;
  static int runs;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start(dir.resolve("etcd"));
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  static String config(String prefix) {
    return """
        state: {engine: etcd, endpoints: ["%s"], prefix: %s, timeoutSeconds: 1, staleAfterSeconds: 3}
        users:
          - name: operator
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
        """.formatted(etcd.endpoint(), prefix, OPERATOR_KEY, OPERATOR_SECRET);
  }

  /** Each test's deployment on keys of its own. */
  final String prefix = "/replicas-" + (++runs) + "-" + System.nanoTime() + "/";
  @RegisterExtension final TokengateExtension a = TokengateExtension.withConfig(config(prefix));
  @RegisterExtension final TokengateExtension b = TokengateExtension.withConfig(config(prefix)).replicaOf(a);

  @TempDir Path work;

  private JsonNode iamOnA(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", a.endpoint(), "--region",
        "us-east-1", "--output", "json"));
    command.addAll(List.of(args));
    CliRunner.Result r = new CliRunner(CliRunner.awsEnv(work, OPERATOR_KEY, OPERATOR_SECRET)).run(work,
        command.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.all());
    return r.stdout().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.stdout());
  }

  private static int command(boolean keys, List<String> args, StringBuilder out) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", OPERATOR_KEY, "AWS_SECRET_ACCESS_KEY", OPERATOR_SECRET);
    int exit = keys
        ? KeysCommand.run(args, env, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8))
        : RevokeCommand.run(args, env, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    out.append(o.toString(StandardCharsets.UTF_8)).append(e.toString(StandardCharsets.UTF_8));
    return exit;
  }

  /** Polls {@code s3 GET path} on {@code replica} until {@code done} holds (≤ 10 s); returns the milliseconds. */
  private static long until(TokengateExtension replica, Credentials c, String path,
      Predicate<HttpResponse<String>> done) throws Exception {
    RawS3Client client = new RawS3Client(replica.endpoint(), c, Clock.systemUTC());
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last = client.get(path);
      if (done.test(last)) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("not within 10 s; last answer " + (last == null ? "none" : last.statusCode() + " " + last.body()));
  }

  private static int anonymousGet(TokengateExtension replica, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(replica.endpoint() + path)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Polls an anonymous GET on {@code replica} until it answers {@code status} (≤ 10 s); returns the milliseconds. */
  private static long untilAnonymous(TokengateExtension replica, String path, int status) throws Exception {
    long start = System.nanoTime();
    int last = -1;
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
      last = anonymousGet(replica, path);
      if (last == status) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("not " + status + " within 10 s; last " + last);
  }

  @Test
  void replicasShareSessionsUsersRevocationsAndKeys() throws Exception {
    RawS3Client opA = new RawS3Client(a.endpoint(), OPERATOR, Clock.systemUTC());
    assertEquals(200, opA.put("/replicated", "").statusCode());

    // A session minted on A opens on B (one keyring in the store).
    StsClient.Response minted = a.sts().call(OPERATOR_KEY, OPERATOR_SECRET, null, "GetSessionToken", Map.of());
    assertEquals(200, minted.status(), minted.body());
    Credentials session = minted.credentials("GetSessionToken");
    assertEquals(200, new RawS3Client(b.endpoint(), session, Clock.systemUTC()).get("/replicated").statusCode());

    // A bucket policy put on A is in force on B (one store), and so is its deletion.
    assertEquals(200, opA.put("/replicated/public", "for all").statusCode());
    assertEquals(403, anonymousGet(b, "/replicated/public"));
    String publicRead = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::replicated/public\"}]}";
    assertEquals(204, opA.put("/replicated?policy", publicRead).statusCode());
    long policyMs = untilAnonymous(b, "/replicated/public", 200);
    System.out.println("replicas: a bucket policy put on A was in force on B after " + policyMs + " ms");
    assertTrue(policyMs < 1000, policyMs + " ms");
    assertEquals(204, opA.delete("/replicated?policy").statusCode());
    long unpolicyMs = untilAnonymous(b, "/replicated/public", 403);
    System.out.println("replicas: a bucket policy deleted on A was out of force on B after " + unpolicyMs + " ms");
    assertTrue(unpolicyMs < 1000, unpolicyMs + " ms");

    // Bucket tags put on A are B's too (its watch), and so is their deletion.
    assertEquals(204, opA.put("/replicated?tagging",
        "<Tagging><TagSet><Tag><Key>team</Key><Value>data</Value></Tag></TagSet></Tagging>").statusCode());
    long tagsMs = until(b, OPERATOR, "/replicated?tagging", r -> r.statusCode() == 200 && r.body().contains("<Value>data</Value>"));
    System.out.println("replicas: bucket tags put on A were B's after " + tagsMs + " ms");
    assertTrue(tagsMs < 1000, tagsMs + " ms");
    assertEquals(204, opA.delete("/replicated?tagging").statusCode());
    long untagsMs = until(b, OPERATOR, "/replicated?tagging", r -> r.statusCode() == 404 && r.body().contains("NoSuchTagSet"));
    assertTrue(untagsMs < 1000, untagsMs + " ms");

    // A user created on A signs requests to B within a second.
    iamOnA("iam", "create-user", "--user-name", "replicated");
    iamOnA("iam", "attach-user-policy", "--user-name", "replicated", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    JsonNode key = iamOnA("iam", "create-access-key", "--user-name", "replicated");
    Credentials user = Credentials.of(key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText());
    long userMs = until(b, user, "/replicated", r -> r.statusCode() == 200);
    System.out.println("replicas: a user created on A signed a request to B after " + userMs + " ms");
    assertTrue(userMs < 1000, userMs + " ms");

    // A revocation on A is refused on B within a second.
    StsClient.Response userSession = a.sts().call(user.accessKeyId(), user.secretAccessKey(), null, "GetSessionToken",
        Map.of());
    Credentials revocable = userSession.credentials("GetSessionToken");
    assertEquals(200, new RawS3Client(b.endpoint(), revocable, Clock.systemUTC()).get("/replicated").statusCode());
    StringBuilder out = new StringBuilder();
    assertEquals(0, command(false, List.of("--endpoint", a.endpoint(), "--session", revocable.accessKeyId()), out),
        out.toString());
    long revokeMs = until(b, revocable, "/replicated", r -> r.statusCode() == 403 && r.body().contains("revoked"));
    System.out.println("replicas: a session revoked on A was refused on B after " + revokeMs + " ms");
    assertTrue(revokeMs < 1000, revokeMs + " ms");

    // A key rotation on A: B seals with the new primary too, and still opens older tokens.
    out.setLength(0);
    assertEquals(0, command(true, List.of("rotate", "--endpoint", a.endpoint()), out), out.toString());
    String primary = out.toString().lines().filter(l -> l.endsWith(" primary")).findFirst().orElseThrow();
    long rotateMs = 0;
    long t0 = System.nanoTime();
    while (true) {
      StringBuilder onB = new StringBuilder();
      assertEquals(0, command(true, List.of("list", "--endpoint", b.endpoint()), onB), onB.toString());
      if (onB.toString().contains(primary)) {
        rotateMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        break;
      }
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "B never followed the rotation: " + onB);
      Thread.sleep(20);
    }
    System.out.println("replicas: a key rotation on A was in force on B after " + rotateMs + " ms");
    StsClient.Response fresh = b.sts().call(OPERATOR_KEY, OPERATOR_SECRET, null, "GetSessionToken", Map.of());
    assertEquals(200, new RawS3Client(a.endpoint(), fresh.credentials("GetSessionToken"), Clock.systemUTC())
        .get("/replicated").statusCode(), "minted on B with the new key, opened on A");
    assertEquals(200, new RawS3Client(b.endpoint(), session, Clock.systemUTC()).get("/replicated").statusCode(),
        "the older token still opens");
  }

  @Test
  void withEtcdDownIamWritesAre503AndS3FailsClosedAfterStaleAfter() throws Exception {
    RawS3Client opB = new RawS3Client(b.endpoint(), OPERATOR, Clock.systemUTC());
    assertEquals(200, opB.put("/outage", "").statusCode());
    etcd.stop();
    try {
      assertEquals(200, opB.get("/outage").statusCode(), "the last state seen serves for a while");
      StringBuilder out = new StringBuilder();
      assertEquals(1, command(false, List.of("--endpoint", a.endpoint(), "--user", "operator"), out), out.toString());
      assertTrue(out.toString().contains("503 ServiceUnavailable"), out.toString());
      HttpResponse<String> policy = opB.put("/outage?policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
          + "\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::outage/*\"}]}");
      assertEquals(503, policy.statusCode(), policy.body());
      assertEquals("ServiceUnavailable", RawS3Client.element(policy.body(), "Code"), policy.body());
      long closedMs = until(b, OPERATOR, "/outage", r -> r.statusCode() == 503);
      HttpResponse<String> refused = opB.get("/outage");
      assertEquals("ServiceUnavailable", RawS3Client.element(refused.body(), "Code"), refused.body());
      System.out.println("replicas: etcd down; S3 on B refused (fail closed) after a further " + closedMs + " ms");
      StsClient.Response sts = b.sts().call(OPERATOR_KEY, OPERATOR_SECRET, null, "GetCallerIdentity", Map.of());
      assertEquals(503, sts.status(), sts.body());
      assertEquals(503, anonymousGet(b, "/outage/k"), "anonymous requests too: a bucket policy decides them");
    } finally {
      etcd.start();
    }
    long backMs = until(b, OPERATOR, "/outage", r -> r.statusCode() == 200);
    System.out.println("replicas: etcd back; S3 on B served again after " + backMs + " ms");
  }
}
