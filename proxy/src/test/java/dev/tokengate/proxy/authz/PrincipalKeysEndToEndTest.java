package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.Boto3Script;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's findings on the keys and principals policies see, reproduced with boto3 and the AWS CLI
 * v2, with the backend read back after each attempt: {@code aws:PrincipalArn} is the role ARN for
 * role sessions; role tags are principal tags; a Deny naming an IAM user binds its federated
 * sessions; PutBucketPolicy refuses resources outside the bucket; an anonymous caller is told only
 * "Access Denied"; an encoded authorization message decodes even after a long User-Agent.
 */
@Timeout(300)
class PrincipalKeysEndToEndTest {
  static final Credentials ALICE = Credentials.of("AKIAALICEKEYS0000001", "alice-keys-secret-alice-keys-secret-00");
  static final Credentials READER = Credentials.of("AKIAREADERKEYS000001", "reader-keys-secret-reader-keys-secret0");
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: alice
          path: /eng/
          tags: {team: blue}
          accessKeys: [{id: AKIAALICEKEYS0000001, secret: alice-keys-secret-alice-keys-secret-00}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          policies:
            sts: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["sts:AssumeRole", "sts:GetFederationToken"], Resource: "*"}]}
        - name: reader
          accessKeys: [{id: AKIAREADERKEYS000001, secret: reader-keys-secret-reader-keys-secret0}]
      roles:
        - name: reader
          path: /team/
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/eng/alice"}, Action: "sts:AssumeRole"}]}
        - name: green
          tags: {team: green}
          trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/eng/alice"}, Action: "sts:AssumeRole"}]}
          policies:
            abac: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::abac/${aws:PrincipalTag/team}/*"}]}
        - name: quarantined
          tags: {quarantined: "true"}
          trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/eng/alice"}, Action: "sts:AssumeRole"}]}
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          policies:
            quarantine: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "*", Resource: "*", Condition: {StringEquals: {"aws:PrincipalTag/quarantined": "true"}}}]}
      """);

  @TempDir Path dir;

  /** Alice's keys as the script's first two arguments. */
  private Boto3Script.Run asAlice(String body) throws Exception {
    return Boto3Script.run(dir, proxy.endpoint(), """
        alice = {'key': sys.argv[2], 'secret': sys.argv[3]}
        sts = client('sts', alice)
        def role(name, session='s1'):
            return creds_of(sts.assume_role(RoleArn=name, RoleSessionName=session)['Credentials'])
        """ + body, ALICE.accessKeyId(), ALICE.secretAccessKey());
  }

  @Test
  void aDenyOnAwsPrincipalArnNamingTheRoleBindsItsSessions() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/parn", "").statusCode());
    assertEquals(204, admin.put("/parn?policy", """
        {"Version": "2012-10-17", "Statement": [{"Sid": "NotTheReaderRole", "Effect": "Deny", "Principal": "*",
          "Action": "s3:PutObject", "Resource": "arn:aws:s3:::parn/*",
          "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/team/reader"}}}]}""")
        .statusCode());
    Boto3Script.Run run = asAlice("""
        r = role('arn:aws:iam::123456789012:role/team/reader')
        s3 = client('s3', r)
        out('who', arn=client('sts', r).get_caller_identity()['Arn'])
        out('role-put', **attempt(lambda: s3.put_object(Bucket='parn', Key='by-role', Body=b'role')))
        out('user-put', **attempt(lambda: client('s3', alice).put_object(Bucket='parn', Key='by-user', Body=b'user')))
        """);
    assertEquals("arn:aws:sts::123456789012:assumed-role/reader/s1", run.step("who").path("arn").asText());
    assertEquals("AccessDenied", run.step("role-put").path("code").asText(), run.transcript());
    assertEquals("none", run.step("user-put").path("code").asText(), run.transcript());
    assertFalse(proxy.backend().exists("parn", "by-role"), "the role session's write never reached the backend");
    assertArrayEquals("user".getBytes(StandardCharsets.UTF_8), proxy.backend().read("parn", "by-user").orElseThrow());
  }

  @Test
  void roleTagsArePrincipalTags() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/abac", "").statusCode());
    assertEquals(200, admin.put("/abac/green/existing", "green data").statusCode());
    Boto3Script.Run run = asAlice("""
        g = client('s3', role('arn:aws:iam::123456789012:role/green'))
        out('green-put', **attempt(lambda: g.put_object(Bucket='abac', Key='green/new', Body=b'made by green')))
        out('green-get', body=g.get_object(Bucket='abac', Key='green/existing')['Body'].read().decode())
        out('blue-put', **attempt(lambda: g.put_object(Bucket='abac', Key='blue/new', Body=b'no')))
        q = client('s3', role('arn:aws:iam::123456789012:role/quarantined'))
        out('quarantined-get', **attempt(lambda: q.get_object(Bucket='abac', Key='green/existing')))
        out('quarantined-put', **attempt(lambda: q.put_object(Bucket='abac', Key='green/existing', Body=b'overwritten')))
        """);
    assertEquals("none", run.step("green-put").path("code").asText(), run.transcript());
    assertEquals("green data", run.step("green-get").path("body").asText());
    assertEquals("AccessDenied", run.step("blue-put").path("code").asText());
    assertEquals("AccessDenied", run.step("quarantined-get").path("code").asText(), run.transcript());
    assertEquals("AccessDenied", run.step("quarantined-put").path("code").asText(), run.transcript());
    assertArrayEquals("made by green".getBytes(StandardCharsets.UTF_8), proxy.backend().read("abac", "green/new").orElseThrow());
    assertFalse(proxy.backend().exists("abac", "blue/new"));
    assertArrayEquals("green data".getBytes(StandardCharsets.UTF_8), proxy.backend().read("abac", "green/existing").orElseThrow(),
        "the quarantined role could not overwrite it");
  }

  @Test
  void aDenyNamingTheUserBindsItsFederatedSession() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/fedb", "").statusCode());
    assertEquals(204, admin.put("/fedb?policy", """
        {"Version": "2012-10-17", "Statement": [{"Sid": "NoAlice", "Effect": "Deny",
          "Principal": {"AWS": "arn:aws:iam::123456789012:user/eng/alice"},
          "Action": "s3:PutObject", "Resource": "arn:aws:s3:::fedb/*"}]}""").statusCode());
    Boto3Script.Run run = asAlice("""
        import json as j
        every = j.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]})
        f = sts.get_federation_token(Name='alice-fed', Policy=every)
        fed = creds_of(f['Credentials'])
        out('fed-arn', arn=f['FederatedUser']['Arn'])
        out('fed-put', **attempt(lambda: client('s3', fed).put_object(Bucket='fedb', Key='by-fed', Body=b'f')))
        out('user-put', **attempt(lambda: client('s3', alice).put_object(Bucket='fedb', Key='by-user', Body=b'u')))
        gst = creds_of(sts.get_session_token()['Credentials'])
        out('gst-put', **attempt(lambda: client('s3', gst).put_object(Bucket='fedb', Key='by-gst', Body=b'g')))
        """);
    assertEquals("arn:aws:sts::123456789012:federated-user/alice-fed", run.step("fed-arn").path("arn").asText());
    assertEquals("AccessDenied", run.step("fed-put").path("code").asText(), run.transcript());
    assertEquals("AccessDenied", run.step("user-put").path("code").asText());
    assertEquals("AccessDenied", run.step("gst-put").path("code").asText());
    for (String key : new String[] {"by-fed", "by-user", "by-gst"}) {
      assertFalse(proxy.backend().exists("fedb", key), key + " must not be written");
    }
    assertEquals(200, admin.put("/fedb/by-admin", "a").statusCode(), "the Deny names alice only");
  }

  @Test
  void putBucketPolicyRefusesResourcesOutsideTheBucket() throws Exception {
    assertEquals(200, proxy.adminClient().put("/own", "").statusCode());
    assertEquals(200, proxy.adminClient().put("/victim", "").statusCode());
    String[][] cases = {
        {"arn:aws:s3:::victim/*", "s3:GetObject", "Policy has invalid resource"},
        {"*", "s3:GetObject", "Policy has invalid resource"},
        {"arn:aws:s3:::own", "s3:PutObject", "Action does not apply to any resource(s) in statement"},
    };
    for (String[] c : cases) {
      Path policy = dir.resolve("policy.json");
      Files.writeString(policy, """
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"%s","Resource":"%s"}]}"""
          .formatted(c[1], c[0]));
      CliRunner.Result put = cli(ALICE, "s3api", "put-bucket-policy", "--bucket", "own", "--policy", "file://" + policy);
      assertNotEquals(0, put.exitCode(), put.all());
      assertTrue(put.stderr().contains("(MalformedPolicy)") && put.stderr().contains(c[2]), put.all());
    }
    CliRunner.Result get = cli(ALICE, "s3api", "get-bucket-policy", "--bucket", "own");
    assertTrue(get.stderr().contains("NoSuchBucketPolicy"), "nothing was stored: " + get.all());
  }

  @Test
  void anAnonymousCallerIsToldOnlyAccessDenied() throws Exception {
    RawS3Client admin = proxy.adminClient();
    assertEquals(200, admin.put("/anon", "").statusCode());
    assertEquals(200, admin.put("/anon/public/readme", "hello").statusCode());
    assertEquals(200, admin.put("/anon/secret", "hidden").statusCode());
    assertEquals(204, admin.put("/anon?policy", """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::anon/public/*"}]}""").statusCode());
    Boto3Script.Run run = Boto3Script.run(dir, proxy.endpoint(), """
        s3 = client('s3', None)
        out('public', body=s3.get_object(Bucket='anon', Key='public/readme')['Body'].read().decode())
        out('secret', **attempt(lambda: s3.get_object(Bucket='anon', Key='secret')))
        out('put', **attempt(lambda: s3.put_object(Bucket='anon', Key='public/planted', Body=b'x')))
        """);
    assertEquals("hello", run.step("public").path("body").asText());
    for (String step : new String[] {"secret", "put"}) {
      JsonNode r = run.step(step);
      assertEquals("AccessDenied", r.path("code").asText(), run.transcript());
      assertEquals(403, r.path("status").asInt());
      assertEquals("Access Denied", r.path("message").asText(), "no explanation for outsiders: " + r);
    }
    assertFalse(proxy.backend().exists("anon", "public/planted"));
  }

  @Test
  void anEncodedAuthorizationMessageDecodesAfterALongUserAgent() throws Exception {
    assertEquals(200, proxy.adminClient().put("/uabucket", "").statusCode());
    Boto3Script.Run run = Boto3Script.run(dir, proxy.endpoint(), """
        reader = {'key': sys.argv[2], 'secret': sys.argv[3]}
        admin = {'key': sys.argv[4], 'secret': sys.argv[5]}
        s3 = client('s3', reader, user_agent_extra='padding/' + 'x' * 7000)
        r = attempt(lambda: s3.put_object(Bucket='uabucket', Key='k', Body=b'no'))
        out('denied', **r)
        encoded = r['error'].get('EncodedAuthorizationMessage', '')
        out('length', length=len(encoded))
        d = client('sts', admin).decode_authorization_message(EncodedMessage=encoded)
        out('decoded', message=d['DecodedMessage'])
        """, READER.accessKeyId(), READER.secretAccessKey(), proxy.admin().accessKeyId(), proxy.admin().secretAccessKey());
    assertEquals("AccessDenied", run.step("denied").path("code").asText(), run.transcript());
    int length = run.step("length").path("length").asInt();
    assertTrue(length > 0 && length <= 10240, "encoded length " + length);
    JsonNode message = JSON.readTree(run.step("decoded").path("message").asText());
    assertEquals("s3:PutObject", message.path("context").path("action").asText());
    assertEquals("arn:aws:iam::123456789012:user/reader", message.path("context").path("principal").path("arn").asText());
    assertFalse(proxy.backend().exists("uabucket", "k"));
  }

  private CliRunner.Result cli(Credentials who, String... args) throws Exception {
    String[] command = new String[args.length + 3];
    command[0] = "/usr/bin/aws";
    command[1] = "--endpoint-url";
    command[2] = proxy.endpoint();
    System.arraycopy(args, 0, command, 3, args.length);
    return new CliRunner(CliRunner.awsEnv(dir, who.accessKeyId(), who.secretAccessKey())).run(dir, command);
  }
}
