package dev.tokengate.proxy.webidentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Boto3Script;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.OidcIssuer;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AssumeRoleWithWebIdentity end to end: a test OIDC issuer on loopback (http, allowed by
 * {@code federation.allowInsecureHttpIssuers}), its provider created with the AWS CLI, tokens
 * traded for role sessions that work on S3 with the role's permissions; every refusal with AWS's
 * code and HTTP status.
 */
@Timeout(300)
class AssumeRoleWithWebIdentityTest {
  static final String ACCOUNT = "123456789012";
  static final MutableClock clock = MutableClock.ticking();
  static final OidcIssuer issuer = startIssuer(clock);

  static OidcIssuer startIssuer(MutableClock clock) {
    try {
      return OidcIssuer.start(clock);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final String PROVIDER_ARN = "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + issuer.hostAndPath();

  static final String CONFIG = """
      federation: {allowInsecureHttpIssuers: true}
      roles:
        - name: web-reader
          policies:
            read:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "s3:ListBucket", Resource: "arn:aws:s3:::web"}
                - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::web/*"}
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Federated: "%1$s"}
                Action: "sts:AssumeRoleWithWebIdentity"
                Condition: {StringEquals: {"%2$s:sub": "alice", "%2$s:aud": "app"}}
        - name: tagged
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Federated: "%1$s"}
                Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
                Condition: {StringEquals: {"aws:RequestTag/Dept": "eng"}}
        - name: other-provider
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Federated: "arn:aws:iam::123456789012:oidc-provider/other.example.com"}
                Action: "sts:AssumeRoleWithWebIdentity"
      """.formatted(PROVIDER_ARN, issuer.hostAndPath());

  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.withConfig(CONFIG).clock(clock);

  @TempDir static Path work;
  static AwsCli admin;
  static StsClient sts;

  @BeforeAll
  static void setUp() throws Exception {
    admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    sts = proxy.sts();
    register(issuer);
    assertEquals(200, proxy.adminClient().put("/web", "").statusCode());
    assertEquals(200, proxy.adminClient().put("/web/hello.txt", "hi").statusCode());
  }

  @AfterAll
  static void tearDown() {
    issuer.close();
  }

  static void register(OidcIssuer idp) throws Exception {
    JsonNode created = admin.ok("iam", "create-open-id-connect-provider", "--url", idp.url(), "--client-id-list",
        "app", "--thumbprint-list", "0123456789abcdef0123456789abcdef01234567");
    assertEquals("arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + idp.hostAndPath(),
        created.get("OpenIDConnectProviderArn").asText());
  }

  static String role(String name) {
    return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
  }

  static StsClient.Response assume(String role, String token) throws Exception {
    return assume(role, token, Map.of());
  }

  static StsClient.Response assume(String role, String token, Map<String, String> extra) throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("RoleArn", role(role));
    params.put("RoleSessionName", "web-session");
    params.put("WebIdentityToken", token);
    params.putAll(extra);
    return sts.unsigned("AssumeRoleWithWebIdentity", params);
  }

  static void assertRefused(StsClient.Response r, int status, String code, String messagePart) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.errorCode(), r.body());
    assertTrue(r.errorMessage().contains(messagePart), r.body());
    assertFalse(r.body().contains("Exception:") || r.body().contains("\tat "), "no stack trace: " + r.body());
  }

  @Test
  void theAwsCliTradesATokenForARoleSessionThatWorksOnS3() throws Exception {
    String token = issuer.rs256(issuer.claims("alice", "app").build());
    JsonNode out = admin.ok("sts", "assume-role-with-web-identity", "--role-arn", role("web-reader"),
        "--role-session-name", "cli", "--web-identity-token", token, "--duration-seconds", "900");
    String sessionArn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/web-reader/cli";
    assertEquals(sessionArn, out.at("/AssumedRoleUser/Arn").asText());
    assertTrue(out.at("/AssumedRoleUser/AssumedRoleId").asText().endsWith(":cli"), out.toString());
    assertEquals("alice", out.get("SubjectFromWebIdentityToken").asText());
    assertEquals(issuer.hostAndPath(), out.get("Provider").asText());
    assertEquals("app", out.get("Audience").asText());
    JsonNode c = out.get("Credentials");
    assertTrue(c.get("AccessKeyId").asText().startsWith("ASIA"), out.toString());
    Credentials session = new Credentials(c.get("AccessKeyId").asText(), c.get("SecretAccessKey").asText(),
        c.get("SessionToken").asText());

    AwsCli web = admin.as(session);
    assertEquals(sessionArn, web.ok("sts", "get-caller-identity").get("Arn").asText());
    CliRunnerOutput listed = new CliRunnerOutput(web.run("s3", "ls", "s3://web/"));
    assertEquals(0, listed.exit, listed.all);
    assertTrue(listed.all.contains("hello.txt"), listed.all);
    Path file = Files.writeString(work.resolve("up.txt"), "up");
    CliRunnerOutput put = new CliRunnerOutput(web.run("s3", "cp", file.toString(), "s3://web/up.txt"));
    assertTrue(put.exit != 0 && put.all.contains("AccessDenied"), put.all);
    web.fails("AccessDenied", "s3api", "list-objects-v2", "--bucket", "other");
  }

  @Test
  void boto3UnsignedTradesATokenAndSeesRefusalsInAwsTerms() throws Exception {
    String token = issuer.rs256(issuer.claims("alice", "app").build());
    String wrongAudience = issuer.rs256(issuer.claims("alice", "nobody").build());
    Boto3Script.Run run = Boto3Script.run(work, proxy.endpoint(), """
        sts = client('sts')
        r = sts.assume_role_with_web_identity(RoleArn=sys.argv[2], RoleSessionName='boto', WebIdentityToken=sys.argv[3])
        out('assumed', arn=r['AssumedRoleUser']['Arn'], sub=r['SubjectFromWebIdentityToken'], aud=r['Audience'])
        s3 = client('s3', creds_of(r['Credentials']))
        out('list', keys=[o['Key'] for o in s3.list_objects_v2(Bucket='web').get('Contents', [])])
        out('put', **attempt(lambda: s3.put_object(Bucket='web', Key='boto', Body=b'x')))
        out('aud', **attempt(lambda: sts.assume_role_with_web_identity(RoleArn=sys.argv[2], RoleSessionName='boto',
            WebIdentityToken=sys.argv[4])))
        """, role("web-reader"), token, wrongAudience);
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/web-reader/boto",
        run.step("assumed").path("arn").asText(), run.transcript());
    assertEquals("alice", run.step("assumed").path("sub").asText());
    assertEquals("app", run.step("assumed").path("aud").asText());
    assertTrue(run.step("list").path("keys").toString().contains("hello.txt"), run.transcript());
    assertEquals("AccessDenied", run.step("put").path("code").asText(), run.transcript());
    assertEquals(403, run.step("put").path("status").asInt());
    assertEquals("InvalidIdentityToken", run.step("aud").path("code").asText(), run.transcript());
    assertEquals(400, run.step("aud").path("status").asInt());
  }

  private record CliRunnerOutput(int exit, String all) {
    CliRunnerOutput(dev.tokengate.proxy.harness.CliRunner.Result r) {
      this(r.exitCode(), r.all());
    }
  }

  @Test
  void es256TokensAreAcceptedAndCachedKeysAreNotRefetched() throws Exception {
    assertEquals(200, assume("web-reader", issuer.rs256(issuer.claims("alice", "app").build())).status());
    int fetches = issuer.jwksFetches();
    StsClient.Response r = assume("web-reader", issuer.es256(issuer.claims("alice", "app").build()));
    assertEquals(200, r.status(), r.body());
    JsonNode result = r.xml().path("AssumeRoleWithWebIdentityResult");
    assertEquals("alice", result.path("SubjectFromWebIdentityToken").asText());
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/web-reader/web-session",
        result.path("AssumedRoleUser").path("Arn").asText());
    assertEquals(fetches, issuer.jwksFetches(), "a known kid is served from the cache");
  }

  @Test
  void azpStandsInForAnAudienceThatDoesNotMatch() throws Exception {
    // The trust policy's :aud condition sees the client id that matched (azp here).
    StsClient.Response r = assume("web-reader", issuer.rs256("alice", "someone-else", b -> b.claim("azp", "app")));
    assertEquals(200, r.status(), r.body());
    assertEquals("app", r.xml().path("AssumeRoleWithWebIdentityResult").path("Audience").asText());
  }

  @Test
  void aWrongAudienceIsRefused() throws Exception {
    assertRefused(assume("web-reader", issuer.rs256(issuer.claims("alice", "not-a-client").build())), 400,
        "InvalidIdentityToken", "Incorrect token audience");
  }

  @Test
  void aProviderWithoutClientIdsTakesNoAudienceInAnAwsAccount() throws Exception {
    // Ceph RGW takes any audience then (TenantlessWebIdentityTest); AWS's rule holds here.
    try (OidcIssuer bare = OidcIssuer.start(clock)) {
      admin.ok("iam", "create-open-id-connect-provider", "--url", bare.url(), "--thumbprint-list",
          "0123456789abcdef0123456789abcdef01234567");
      assertRefused(assume("web-reader", bare.rs256(bare.claims("alice", "app").build())), 400,
          "InvalidIdentityToken", "Incorrect token audience");
    }
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    java.time.Instant past = clock.instant().minus(Duration.ofHours(2));
    String token = issuer.rs256("alice", "app", b -> b.issueTime(Date.from(past)).notBeforeTime(Date.from(past))
        .expirationTime(Date.from(past.plus(Duration.ofMinutes(30)))));
    assertRefused(assume("web-reader", token), 400, "ExpiredTokenException", "Token expired: current date/time");
  }

  @Test
  void aTokenIssuedInTheFutureIsRefused() throws Exception {
    java.time.Instant later = clock.instant().plus(Duration.ofMinutes(20));
    String token = issuer.rs256("alice", "app", b -> b.issueTime(Date.from(later)));
    assertRefused(assume("web-reader", token), 400, "InvalidIdentityToken", "issued in the future");
  }

  @Test
  void anUnknownKidIsRefusedAfterOneRateLimitedRefetch() throws Exception {
    assertEquals(200, assume("web-reader", issuer.rs256(issuer.claims("alice", "app").build())).status());
    clock.advance(Duration.ofSeconds(31)); // past the refetch rate limit
    int before = issuer.jwksFetches();
    String token = issuer.rs256WithUnpublishedKey("no-such-kid", issuer.claims("alice", "app").build());
    assertRefused(assume("web-reader", token), 400, "InvalidIdentityToken", "no-such-kid");
    assertEquals(before + 1, issuer.jwksFetches(), "an unknown kid refetches the JWKS once");
    assertRefused(assume("web-reader", token), 400, "InvalidIdentityToken", "no-such-kid");
    assertEquals(before + 1, issuer.jwksFetches(), "and not again right away");
  }

  @Test
  void aRotatedKeyIsPickedUpAndTheOldOneRefused() throws Exception {
    String oldToken = issuer.rs256(issuer.claims("alice", "app").build());
    assertEquals(200, assume("web-reader", oldToken).status());
    issuer.rotateRsa("rsa-rotated-" + System.nanoTime());
    clock.advance(Duration.ofSeconds(31));
    StsClient.Response r = assume("web-reader", issuer.rs256(issuer.claims("alice", "app").build()));
    assertEquals(200, r.status(), r.body());
    assertRefused(assume("web-reader", oldToken), 400, "InvalidIdentityToken", "kid");
  }

  @Test
  void anotherKeyUnderThePublishedKidIsABadSignature() throws Exception {
    String token = issuer.rs256WithUnpublishedKey(issuer.rsaKid(), issuer.claims("alice", "app").build());
    assertRefused(assume("web-reader", token), 400, "InvalidIdentityToken", "signature is invalid");
  }

  @Test
  void algNoneAndHmacAreRefused() throws Exception {
    assertRefused(assume("web-reader", OidcIssuer.unsigned(issuer.claims("alice", "app").build())), 400,
        "InvalidIdentityToken", "none");
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuer.rsaKid()).build(),
        issuer.claims("alice", "app").build());
    hs.sign(new MACSigner("app-app-app-app-app-app-app-app-app-app".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertRefused(assume("web-reader", hs.serialize()), 400, "InvalidIdentityToken", "HS256");
  }

  @Test
  void aMalformedTokenIsRefused() throws Exception {
    assertRefused(assume("web-reader", "not.a-jwt.at-all"), 400, "InvalidIdentityToken", "could not be validated");
    assertRefused(assume("web-reader", "abcdefgh"), 400, "InvalidIdentityToken", "could not be validated");
  }

  @Test
  void aTokenOfAnUnregisteredIssuerIsRefused() throws Exception {
    String token = issuer.rs256("alice", "app", b -> b.issuer("https://unknown.example.com"));
    assertRefused(assume("web-reader", token), 400, "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for https://unknown.example.com");
  }

  @Test
  void theTrustPolicyDecides() throws Exception {
    assertRefused(assume("web-reader", issuer.rs256(issuer.claims("bob", "app").build())), 403, "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    assertRefused(assume("other-provider", issuer.rs256(issuer.claims("alice", "app").build())), 403,
        "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    assertRefused(assume("no-such-role", issuer.rs256(issuer.claims("alice", "app").build())), 403,
        "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  }

  @Test
  void sessionTagsComeFromTheTokenAndNeedTagSession() throws Exception {
    Map<String, Object> eng = Map.of("principal_tags", Map.of("Dept", List.of("eng")),
        "transitive_tag_keys", List.of("Dept"));
    StsClient.Response r = assume("tagged", issuer.rs256("alice", "app", b -> b.claim("https://aws.amazon.com/tags", eng)));
    assertEquals(200, r.status(), r.body());
    Map<String, Object> ops = Map.of("principal_tags", Map.of("Dept", List.of("ops")));
    assertRefused(assume("tagged", issuer.rs256("alice", "app", b -> b.claim("https://aws.amazon.com/tags", ops))),
        403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    assertRefused(assume("tagged", issuer.rs256(issuer.claims("alice", "app").build())), 403, "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    Map<String, Object> reserved = Map.of("principal_tags", Map.of("aws:Dept", List.of("eng")));
    assertRefused(assume("tagged", issuer.rs256("alice", "app", b -> b.claim("https://aws.amazon.com/tags", reserved))),
        403, "IDPRejectedClaim", "aws:Dept");
  }

  @Test
  void parametersAreValidated() throws Exception {
    String token = issuer.rs256(issuer.claims("alice", "app").build());
    assertRefused(assume("web-reader", token, Map.of("RoleSessionName", "a")), 400, "ValidationError",
        "roleSessionName");
    assertRefused(assume("web-reader", token, Map.of("DurationSeconds", "100")), 400, "ValidationError",
        "greater than or equal to 900");
    assertRefused(assume("web-reader", token, Map.of("DurationSeconds", "7200")), 400, "ValidationError",
        "MaxSessionDuration");
    assertRefused(sts.unsigned("AssumeRoleWithWebIdentity", Map.of("RoleArn", role("web-reader"),
        "RoleSessionName", "s")), 400, "ValidationError", "webIdentityToken");
  }

  @Test
  void anIssuerThatIsDownIsACommunicationErrorInBoundedTime() throws Exception {
    OidcIssuer down = OidcIssuer.start(clock);
    register(down);
    String token = down.rs256(down.claims("alice", "app").build());
    down.close();
    long start = System.nanoTime();
    assertRefused(assume("web-reader", token), 400, "IDPCommunicationError", "Couldn't retrieve verification key");
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "answered in bounded time");
  }

  @Test
  void aHungIssuerIsACommunicationErrorWithinTheTimeout() throws Exception {
    try (OidcIssuer hung = OidcIssuer.start(clock)) {
      register(hung);
      hung.stall();
      String token = hung.rs256(hung.claims("alice", "app").build());
      long start = System.nanoTime();
      assertRefused(assume("web-reader", token), 400, "IDPCommunicationError", "timed out");
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      assertTrue(seconds >= 2 && seconds < 10, "bounded by the fetch timeout, took " + seconds + " s");
    }
  }
}
