package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.config.ProxyConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed flow 002 with Debian's boto3: GetFederationToken with a policy limited to one bucket; the
 * credentials work there and are refused elsewhere; a client that adds the token itself as a plain
 * x-amz-security-token header, signed like any other (urllib signed with botocore's S3SigV4Auth:
 * boto3 itself replaces a hand-added token header), works too.
 */
@Timeout(120)
class FederationBoto3Test {
  static final String KEY = "AKIAFEDUSER000000001";
  static final String SECRET = "fed-secret-fed-secret-fed-secret-fed-000";

  static final String SCRIPT = """
      import json, sys
      import boto3, botocore
      from botocore.config import Config
      ep, ak, sk = sys.argv[1:4]
      cfg = Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
      sts = boto3.client('sts', endpoint_url=ep, aws_access_key_id=ak, aws_secret_access_key=sk, region_name='us-east-1', config=cfg)
      policy = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*',
          'Resource': ['arn:aws:s3:::fedbucket', 'arn:aws:s3:::fedbucket/*']}]})
      r = sts.get_federation_token(Name='fed', Policy=policy, DurationSeconds=3600)
      c = r['Credentials']
      print(json.dumps({'step': 'token', 'arn': r['FederatedUser']['Arn'], 'key': c['AccessKeyId'][:4]}))
      s3 = boto3.client('s3', endpoint_url=ep, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'],
          aws_session_token=c['SessionToken'], region_name='us-east-1', config=cfg)
      s3.put_object(Bucket='fedbucket', Key='k', Body=b'federated')
      print(json.dumps({'step': 'own', 'body': s3.get_object(Bucket='fedbucket', Key='k')['Body'].read().decode()}))
      for op in ('list', 'put'):
          try:
              if op == 'list':
                  s3.list_objects_v2(Bucket='otherbucket')
              else:
                  s3.put_object(Bucket='otherbucket', Key='x', Body=b'no')
              print(json.dumps({'step': 'other-' + op, 'code': 'none'}))
          except botocore.exceptions.ClientError as e:
              print(json.dumps({'step': 'other-' + op, 'code': e.response['Error']['Code']}))
      # A client that adds the token itself, as a plain header it signs like any other.
      import urllib.request
      from botocore.awsrequest import AWSRequest
      from botocore.auth import S3SigV4Auth
      from botocore.credentials import Credentials
      req = AWSRequest(method='GET', url=ep + '/fedbucket?list-type=2', headers={'x-amz-security-token': c['SessionToken']})
      S3SigV4Auth(Credentials(c['AccessKeyId'], c['SecretAccessKey']), 's3', 'us-east-1').add_auth(req)
      body = urllib.request.urlopen(urllib.request.Request(req.url, headers=dict(req.headers.items()))).read().decode()
      listed = {'Contents': [{'Key': k.split('</Key>')[0]} for k in body.split('<Key>')[1:]]}
      print(json.dumps({'step': 'header', 'keys': [o['Key'] for o in listed.get('Contents', [])]}))
      """;

  @TempDir Path dir;

  @Test
  void federationTokenWorksOnItsBucketOnly() throws Exception {
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: feduser
            accessKeys: [{id: %s, secret: %s}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
            policies:
              federate: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:GetFederationToken", Resource: "*"}]}
        """.formatted(dir.resolve("d"), KEY, SECRET));
    try (ProxyServer s = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
      RawS3Client admin = new RawS3Client(s.endpoint());
      for (String bucket : new String[] {"/fedbucket", "/otherbucket"}) {
        assertEquals(200, admin.send("PUT", bucket, new byte[0], s.admin().accessKeyId(), s.admin().secretAccessKey(),
            Instant.now(), Map.of()).statusCode());
      }
      Path script = dir.resolve("flow002.py");
      Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
      Map<String, String> env = new HashMap<>();
      env.put("AWS_EC2_METADATA_DISABLED", "true");
      env.put("AWS_CONFIG_FILE", dir.resolve("none").toString());
      env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString());
      CliRunner python = new CliRunner(env);
      CliRunner.Result r = python.run(dir, "/usr/bin/python3", script.toString(), s.endpoint(), KEY, SECRET);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "boto3-flow002-transcript.txt"), python.transcript());
      assertEquals(0, r.exitCode(), r.all());
      Map<String, JsonNode> steps = new HashMap<>();
      ObjectMapper json = new ObjectMapper();
      for (String line : r.stdout().split("\n")) {
        JsonNode n = json.readTree(line);
        steps.put(n.path("step").asText(), n);
      }
      assertEquals("arn:aws:sts::123456789012:federated-user/fed", steps.get("token").path("arn").asText());
      assertEquals("ASIA", steps.get("token").path("key").asText());
      assertEquals("federated", steps.get("own").path("body").asText());
      assertEquals("AccessDenied", steps.get("other-list").path("code").asText());
      assertEquals("AccessDenied", steps.get("other-put").path("code").asText());
      assertEquals("k", steps.get("header").path("keys").get(0).asText());
    }
  }
}
