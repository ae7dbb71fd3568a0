package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's boto3 (1.26, /usr/bin/python3) calls GetFederationToken with a policy limited to one
 * bucket: with those credentials it lists, puts and gets in that bucket, is refused with
 * AccessDenied on another one, may ask who it is but not mint further sessions. A second, raw client
 * ({@link RawS3Client}) that sends the same token as a plain signed {@code x-amz-security-token}
 * header works too, and the token with one character changed gets 400 InvalidToken.
 */
@Timeout(120)
class Boto3FederationTest {
  static final String KEY = "AKIABOTOFED000000001";
  static final String SECRET = "boto-fed-secret-boto-fed-secret-boto-00";

  /** Prints one JSON line per step; the last line carries the credentials for the raw client. */
  static final String SCRIPT = """
      import json, sys
      import boto3, botocore
      from botocore.config import Config
      ep, ak, sk = sys.argv[1:4]
      cfg = Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
      def out(step, **kw):
          kw['step'] = step
          print(json.dumps(kw), flush=True)
      def code(fn):
          try:
              fn()
              return 'none'
          except botocore.exceptions.ClientError as e:
              return e.response['Error']['Code']
      sts = boto3.client('sts', endpoint_url=ep, aws_access_key_id=ak, aws_secret_access_key=sk,
          region_name='us-east-1', config=cfg)
      policy = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*',
          'Resource': ['arn:aws:s3:::fedbucket', 'arn:aws:s3:::fedbucket/*']}]})
      r = sts.get_federation_token(Name='fed', Policy=policy, DurationSeconds=3600)
      c = r['Credentials']
      out('token', arn=r['FederatedUser']['Arn'], key=c['AccessKeyId'], packed=r.get('PackedPolicySize'))
      kw = dict(endpoint_url=ep, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'],
          aws_session_token=c['SessionToken'], region_name='us-east-1', config=cfg)
      s3 = boto3.client('s3', **kw)
      fsts = boto3.client('sts', **kw)
      out('whoami', arn=fsts.get_caller_identity()['Arn'])
      out('mint', code=code(lambda: fsts.get_session_token()))
      s3.put_object(Bucket='fedbucket', Key='dir/hello.txt', Body=b'federated hello')
      out('get', body=s3.get_object(Bucket='fedbucket', Key='dir/hello.txt')['Body'].read().decode())
      out('list', keys=[o['Key'] for o in s3.list_objects_v2(Bucket='fedbucket').get('Contents', [])])
      out('other-list', code=code(lambda: s3.list_objects_v2(Bucket='otherbucket')))
      out('other-put', code=code(lambda: s3.put_object(Bucket='otherbucket', Key='x', Body=b'no')))
      out('other-get', code=code(lambda: s3.get_object(Bucket='otherbucket', Key='seed.txt')))
      out('creds', key=c['AccessKeyId'], secret=c['SecretAccessKey'], token=c['SessionToken'])
      """;

  @TempDir Path dir;

  @RegisterExtension
  final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: feduser
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          policies:
            federate: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:GetFederationToken", Resource: "*"}]}
      """.formatted(KEY, SECRET));

  @Test
  void federationTokenIsLimitedToItsBucketAndWorksAsAPlainHeader() throws Exception {
    RawS3Client raw = new RawS3Client(proxy.endpoint());
    String adminKey = proxy.admin().accessKeyId();
    String adminSecret = proxy.admin().secretAccessKey();
    for (String path : new String[] {"/fedbucket", "/otherbucket"}) {
      assertEquals(200, raw.send("PUT", path, new byte[0], adminKey, adminSecret, Instant.now(), Map.of()).statusCode());
    }
    assertEquals(200, raw.send("PUT", "/otherbucket/seed.txt", "seed".getBytes(StandardCharsets.UTF_8), adminKey, adminSecret,
        Instant.now(), Map.of()).statusCode());

    Path script = dir.resolve("federation.py");
    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    // CliRunner drops every AWS_* variable of this JVM; these keep botocore off files and instance metadata.
    Map<String, String> env = new HashMap<>();
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    CliRunner python = new CliRunner(env);
    CliRunner.Result r = python.run(dir, "/usr/bin/python3", script.toString(), proxy.endpoint(), KEY, SECRET);
    assertEquals(0, r.exitCode(), python.transcript());

    Map<String, JsonNode> steps = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : r.stdout().strip().split("\n")) {
      JsonNode n = json.readTree(line);
      steps.put(n.path("step").asText(), n);
    }
    for (String step : new String[] {"token", "whoami", "mint", "get", "list", "other-list", "other-put", "other-get", "creds"}) {
      assertNotNull(steps.get(step), "step " + step + " missing: " + r.all());
    }
    assertEquals("arn:aws:sts::123456789012:federated-user/fed", steps.get("token").path("arn").asText());
    assertTrue(steps.get("token").path("key").asText().startsWith("ASIA"), steps.get("token").toString());
    assertEquals("arn:aws:sts::123456789012:federated-user/fed", steps.get("whoami").path("arn").asText());
    assertEquals("AccessDenied", steps.get("mint").path("code").asText(), "federated users may only call GetCallerIdentity");
    assertEquals("federated hello", steps.get("get").path("body").asText());
    assertEquals("[\"dir/hello.txt\"]", steps.get("list").path("keys").toString());
    assertEquals("AccessDenied", steps.get("other-list").path("code").asText());
    assertEquals("AccessDenied", steps.get("other-put").path("code").asText());
    assertEquals("AccessDenied", steps.get("other-get").path("code").asText());

    // The second client: the token as a plain header it signs itself, nothing SDK-specific.
    JsonNode c = steps.get("creds");
    String key = c.path("key").asText();
    String secret = c.path("secret").asText();
    String token = c.path("token").asText();
    HttpResponse<String> list =
        raw.send("GET", "/fedbucket?list-type=2", new byte[0], key, secret, Instant.now(), Map.of("x-amz-security-token", token));
    assertEquals(200, list.statusCode(), list.body());
    assertEquals("dir/hello.txt", RawS3Client.element(list.body(), "Key"));
    HttpResponse<String> get =
        raw.send("GET", "/fedbucket/dir/hello.txt", new byte[0], key, secret, Instant.now(), Map.of("x-amz-security-token", token));
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("federated hello", get.body());
    HttpResponse<String> put = raw.send("PUT", "/fedbucket/raw.txt", "raw".getBytes(StandardCharsets.UTF_8), key, secret,
        Instant.now(), Map.of("x-amz-security-token", token));
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<String> other =
        raw.send("GET", "/otherbucket/seed.txt", new byte[0], key, secret, Instant.now(), Map.of("x-amz-security-token", token));
    assertEquals(403, other.statusCode(), other.body());
    assertEquals("AccessDenied", RawS3Client.element(other.body(), "Code"));

    char[] altered = token.toCharArray();
    altered[altered.length / 2] = altered[altered.length / 2] == 'A' ? 'B' : 'A';
    HttpResponse<String> tampered = raw.send("GET", "/fedbucket?list-type=2", new byte[0], key, secret, Instant.now(),
        Map.of("x-amz-security-token", new String(altered)));
    assertEquals(400, tampered.statusCode(), tampered.body());
    assertEquals("InvalidToken", RawS3Client.element(tampered.body(), "Code"));
    HttpResponse<String> missing = raw.send("GET", "/fedbucket?list-type=2", new byte[0], key, secret, Instant.now(), Map.of());
    assertEquals(403, missing.statusCode(), missing.body());
    assertEquals("InvalidAccessKeyId", RawS3Client.element(missing.body(), "Code"));
  }
}
