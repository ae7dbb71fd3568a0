package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** STS rules end to end, in process, with an injected clock: bounds, chaining, expiry, tampering, federation. */
@Timeout(120)
class StsFlowTest {
  static final String ALICE_KEY = "AKIAALICE00000000001";
  static final String ALICE_SECRET = "alice-secret-alice-secret-alice-secret-0";
  static final String ACCOUNT = "123456789012";

  static final MutableClock clock = new MutableClock(Instant.now());
  static StsClient sts;
  static RawS3Client s3;

  static final String CONFIG =
      """
      users:
        - name: alice
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          policies:
            assume:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: ["sts:AssumeRole", "sts:GetFederationToken"], Resource: "*"}
      roles:
        - name: first
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          policies:
            chain: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
          maxSessionDuration: 7200
          trustPolicy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}]
        - name: second
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          maxSessionDuration: 7200
          trustPolicy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:role/first"}, Action: "sts:AssumeRole"}]
        - name: nobody-trusts-alice
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:role/first"}, Action: "sts:AssumeRole"}]
      """;

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig(CONFIG.formatted(ALICE_KEY, ALICE_SECRET)).clock(clock);

  @BeforeAll
  static void start() throws Exception {
    sts = proxy.sts();
    s3 = new RawS3Client(proxy.endpoint());
    HttpResponse<String> mb = proxy.adminClient().put("/flow", "");
    assertEquals(200, mb.statusCode(), mb.body());
  }

  private static HttpResponse<String> listBuckets(Credentials c) throws Exception {
    return s3.send("GET", "/", new byte[0], c.accessKeyId(), c.secretAccessKey(), clock.instant(),
        Map.of("x-amz-security-token", c.sessionToken()));
  }

  private static StsClient.Response alice(String action, Map<String, String> params) throws Exception {
    return sts.call(ALICE_KEY, ALICE_SECRET, null, action, params);
  }

  @Test
  void durationOutsideBoundsIsAValidationError() throws Exception {
    StsClient.Response low = alice("GetSessionToken", Map.of("DurationSeconds", "899"));
    assertEquals(400, low.status());
    assertEquals("ValidationError", low.errorCode());
    assertEquals(
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
            + "Member must have value greater than or equal to 900",
        low.errorMessage());
    StsClient.Response high = alice("GetSessionToken", Map.of("DurationSeconds", "129601"));
    assertEquals(400, high.status());
    assertEquals(
        "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: "
            + "Member must have value less than or equal to 129600",
        high.errorMessage());
  }

  @Test
  void sessionExpiresWithTheInjectedClock() throws Exception {
    StsClient.Response r = alice("GetSessionToken", Map.of("DurationSeconds", "900"));
    assertEquals(200, r.status(), r.body());
    Credentials c = r.credentials("GetSessionToken");
    assertEquals(200, listBuckets(c).statusCode());
    // Other tests sign with this clock too, and the backend only ever sees real time.
    clock.advance(Duration.ofSeconds(901));
    HttpResponse<String> expired = listBuckets(c);
    assertEquals(400, expired.statusCode(), expired.body());
    assertEquals("ExpiredToken", RawS3Client.element(expired.body(), "Code"));
    assertEquals("The provided token has expired.", RawS3Client.element(expired.body(), "Message"));
  }

  @Test
  void tamperedTokenAndForeignKeyAreInvalidToken() throws Exception {
    Credentials a = alice("GetSessionToken", Map.of()).credentials("GetSessionToken");
    Credentials b = alice("GetSessionToken", Map.of()).credentials("GetSessionToken");
    char[] token = a.sessionToken().toCharArray();
    int mid = token.length / 2;
    token[mid] = token[mid] == 'A' ? 'B' : 'A';
    HttpResponse<String> tampered =
        listBuckets(new Credentials(a.accessKeyId(), a.secretAccessKey(), new String(token)));
    assertEquals(400, tampered.statusCode(), tampered.body());
    assertEquals("InvalidToken", RawS3Client.element(tampered.body(), "Code"));
    HttpResponse<String> foreign =
        listBuckets(new Credentials(b.accessKeyId(), b.secretAccessKey(), a.sessionToken()));
    assertEquals(400, foreign.statusCode(), foreign.body());
    assertEquals("InvalidToken", RawS3Client.element(foreign.body(), "Code"));
    HttpResponse<String> noToken =
        s3.send("GET", "/", new byte[0], a.accessKeyId(), a.secretAccessKey(), clock.instant(), Map.of());
    assertEquals(403, noToken.statusCode());
    assertEquals("InvalidAccessKeyId", RawS3Client.element(noToken.body(), "Code"));
  }

  @Test
  void roleChainingIsCappedAtOneHour() throws Exception {
    StsClient.Response first =
        alice("AssumeRole", Map.of("RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/first", "RoleSessionName", "one",
            "DurationSeconds", "7200"));
    assertEquals(200, first.status(), first.body());
    Credentials c = first.credentials("AssumeRole");
    StsClient.Response tooLong =
        sts.call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "AssumeRole",
            Map.of("RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/second", "RoleSessionName", "two", "DurationSeconds", "3601"));
    assertEquals(400, tooLong.status(), tooLong.body());
    assertTrue(tooLong.errorMessage().contains("1 hour session limit for roles assumed by role chaining"), tooLong.body());
    StsClient.Response ok =
        sts.call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "AssumeRole",
            Map.of("RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/second", "RoleSessionName", "two", "DurationSeconds", "3600"));
    assertEquals(200, ok.status(), ok.body());
    assertEquals(
        "arn:aws:sts::" + ACCOUNT + ":assumed-role/second/two",
        ok.xml().path("AssumeRoleResult").path("AssumedRoleUser").path("Arn").asText());
  }

  @Test
  void trustPolicyMustNameTheCaller() throws Exception {
    StsClient.Response denied =
        alice("AssumeRole", Map.of("RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/nobody-trusts-alice", "RoleSessionName", "x1"));
    assertEquals(403, denied.status(), denied.body());
    assertEquals("AccessDenied", denied.errorCode());
    assertTrue(denied.errorMessage().contains("is not authorized to perform: sts:AssumeRole"), denied.body());
  }

  @Test
  void federationTokenWithoutPolicyCanDoNothingAndCannotCallSts() throws Exception {
    StsClient.Response r = alice("GetFederationToken", Map.of("Name", "fed-nopolicy"));
    assertEquals(200, r.status(), r.body());
    Credentials c = r.credentials("GetFederationToken");
    HttpResponse<String> list = listBuckets(c);
    assertEquals(403, list.statusCode(), list.body());
    assertEquals("AccessDenied", RawS3Client.element(list.body(), "Code"));
    StsClient.Response who = sts.call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "GetCallerIdentity", Map.of());
    assertEquals(200, who.status(), who.body());
    assertEquals(
        "arn:aws:sts::" + ACCOUNT + ":federated-user/fed-nopolicy",
        who.xml().path("GetCallerIdentityResult").path("Arn").asText());
    StsClient.Response again = sts.call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "GetSessionToken", Map.of());
    assertEquals(403, again.status(), again.body());
    assertEquals("AccessDenied", again.errorCode());
  }

  @Test
  void anySigningRegionIsAcceptedIncludingTheEmptyOne() throws Exception {
    for (String region : new String[] {"", "eu-west-3", "us-east-1"}) {
      StsClient.Response r = sts.call(ALICE_KEY, ALICE_SECRET, null, "GetCallerIdentity", Map.of(), region);
      assertEquals(200, r.status(), "region '" + region + "': " + r.body());
    }
  }

  @Test
  void sessionCredentialsCannotMintSessionTokens() throws Exception {
    Credentials c = alice("GetSessionToken", Map.of()).credentials("GetSessionToken");
    StsClient.Response r = sts.call(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), "GetSessionToken", Map.of());
    assertEquals(403, r.status(), r.body());
    assertEquals("Cannot call GetSessionToken with session credentials", r.errorMessage());
  }

  @Test
  void badPoliciesAndActionsGetTheirErrors() throws Exception {
    StsClient.Response malformed =
        alice("AssumeRole", Map.of("RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/first", "RoleSessionName", "mp",
            "Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));
    assertEquals(400, malformed.status(), malformed.body());
    assertEquals("MalformedPolicyDocument", malformed.errorCode());
    Map<String, String> tags = new LinkedHashMap<>();
    java.util.Random random = new java.util.Random(1);
    for (int i = 1; i <= 50; i++) {
      tags.put("Tags.member." + i + ".Key", "k" + i + "-" + Long.toString(random.nextLong(), 36));
      StringBuilder value = new StringBuilder();
      while (value.length() < 250) {
        value.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
      }
      tags.put("Tags.member." + i + ".Value", value.substring(0, 250));
    }
    tags.put("RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/first");
    tags.put("RoleSessionName", "packed");
    StsClient.Response packed = alice("AssumeRole", tags);
    assertEquals(400, packed.status(), packed.body());
    assertEquals("PackedPolicyTooLarge", packed.errorCode());
    assertTrue(packed.errorMessage().matches(".*consumes \\d+% of allotted space.*"), packed.errorMessage());
    StsClient.Response unknown = alice("MakeMeAdmin", Map.of());
    assertEquals(400, unknown.status());
    assertEquals("InvalidAction", unknown.errorCode());
    StsClient.Response badKey = sts.call("AKIANOSUCHKEY0000000", "whatever-whatever-whatever-whatever-0000", null, "GetCallerIdentity", Map.of());
    assertEquals(403, badKey.status());
    assertEquals("InvalidClientTokenId", badKey.errorCode());
  }
}
