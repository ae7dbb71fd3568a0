package dev.tokengate.proxy.webidentity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Boto3Script;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.OidcIssuer;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AssumeRoleWithWebIdentity in Ceph RGW's tenant-less dialect ({@code accountId: ""}), as s3-tests'
 * webidentity_test group uses it, with boto3: a provider registered without client ids takes any
 * audience; a bucket policy names one role session as {@code arn:aws:iam:::assumed-role/ROLE/SESSION},
 * which the session policy does not limit; a session's tag keys are its S3 requests' {@code aws:TagKeys}.
 */
@Timeout(300)
class TenantlessWebIdentityTest {
  static final MutableClock clock = MutableClock.ticking();
  static final OidcIssuer issuer = AssumeRoleWithWebIdentityTest.startIssuer(clock);
  static final String PROVIDER_ARN = "arn:aws:iam:::oidc-provider/" + issuer.hostAndPath();

  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.withConfig("""
      accountId: ""
      federation: {allowInsecureHttpIssuers: true}
      roles:
        - name: everything
          policies:
            all: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {Federated: "%1$s"}, Action: "sts:AssumeRoleWithWebIdentity"}
        - name: tag-keys
          policies:
            keys:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "s3:*", Resource: "*", Condition: {StringEquals: {"aws:TagKeys": [Dept]}}}
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Federated: "%1$s"}
                Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
      """.formatted(PROVIDER_ARN)).clock(clock);

  @TempDir static Path work;

  @AfterAll
  static void tearDown() {
    issuer.close();
  }

  @Test
  void rgwTenantlessWebIdentitySessions() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    JsonNode created = admin.ok("iam", "create-open-id-connect-provider", "--url", issuer.url(),
        "--thumbprint-list", "0123456789abcdef0123456789abcdef01234567");
    assertEquals(PROVIDER_ARN, created.get("OpenIDConnectProviderArn").asText());
    admin.ok("s3api", "create-bucket", "--bucket", "web");
    admin.ok("s3api", "put-bucket-policy", "--bucket", "web", "--policy", """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam:::assumed-role/everything/s1"},
        "Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::web","arn:aws:s3:::web/*"]}]}""");
    String token = issuer.rs256(issuer.claims("alice", "whatever-client").build());
    String tagged = issuer.rs256("alice", "whatever-client", b -> b.claim("https://aws.amazon.com/tags",
        Map.of("principal_tags", Map.of("Dept", List.of("eng")))));
    String putOnly = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\","
        + "\"Resource\":\"arn:aws:s3:::web/*\"}}";

    Boto3Script.Run run = Boto3Script.run(work, proxy.endpoint(), """
        sts = client('sts')
        def session(role, name, token, **kw):
            r = sts.assume_role_with_web_identity(RoleArn='arn:aws:iam:::role/' + role, RoleSessionName=name,
                                                  WebIdentityToken=token, **kw)
            out('assumed-' + name, arn=r['AssumedRoleUser']['Arn'], aud=r['Audience'])
            return client('s3', creds_of(r['Credentials']))
        s1 = session('everything', 's1', sys.argv[2], Policy=sys.argv[4])
        out('s1-put', **attempt(lambda: s1.put_object(Bucket='web', Key='k', Body=b'x')))
        out('s1-get', **attempt(lambda: s1.get_object(Bucket='web', Key='k')))
        s2 = session('everything', 's2', sys.argv[2], Policy=sys.argv[4])
        out('s2-get', **attempt(lambda: s2.get_object(Bucket='web', Key='k')))
        t = session('tag-keys', 't1', sys.argv[3])
        out('t-list', **attempt(lambda: t.list_objects_v2(Bucket='web')))
        u = session('tag-keys', 'u1', sys.argv[2])
        out('u-list', **attempt(lambda: u.list_objects_v2(Bucket='web')))
        """, token, tagged, putOnly);
    // Any audience: the provider has no client ids (RGW's rule; AWS would refuse the token).
    assertEquals("whatever-client", run.step("assumed-s1").path("aud").asText(), run.transcript());
    assertEquals("arn:aws:sts:::assumed-role/everything/s1", run.step("assumed-s1").path("arn").asText());
    assertEquals("none", run.step("s1-put").path("code").asText(), run.transcript());
    // GetObject: outside the session policy, but granted to this session's ARN by the bucket policy.
    assertEquals("none", run.step("s1-get").path("code").asText(), run.transcript());
    // Another session of the same role is not the principal the bucket policy names.
    assertEquals("AccessDenied", run.step("s2-get").path("code").asText(), run.transcript());
    assertEquals("none", run.step("t-list").path("code").asText(), run.transcript());
    assertEquals("AccessDenied", run.step("u-list").path("code").asText(), run.transcript());
  }
}
