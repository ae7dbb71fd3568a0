package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload mode current SDKs use only over HTTPS: aws-chunked with an unsigned payload and a
 * trailing CRC32 ({@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}). A recent boto3 (the pyenv one: Debian's
 * 1.26 and the Debian AWS CLI v2 predate default checksums) gets a session over HTTPS, uploads with
 * it, and the download equals the upload byte for byte.
 */
@Timeout(180)
class HttpsTrailerUploadTest {
  static final String KEY = "AKIATRAILER000000001";
  static final String SECRET = "trailer-secret-trailer-secret-trailer-0";

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      tls: {listen: "127.0.0.1:0"}
      users:
        - name: uploader
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
      """.formatted(KEY, SECRET));

  @TempDir Path work;

  @Test
  void boto3UploadsWithATrailingChecksumOverHttpsAndTheBytesArriveIntact() throws Exception {
    Path script = Files.writeString(work.resolve("trailer.py"), """
        import json, os, sys, boto3, botocore
        from botocore.config import Config
        ep, key, secret, ca = sys.argv[1:5]
        cfg = Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
        kw = dict(endpoint_url=ep, region_name='us-east-1', verify=ca, config=cfg)
        sts = boto3.client('sts', aws_access_key_id=key, aws_secret_access_key=secret, **kw)
        c = sts.get_session_token(DurationSeconds=3600)['Credentials']
        s3 = boto3.client('s3', aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'],
                          aws_session_token=c['SessionToken'], **kw)
        seen = {}
        def header(request, name):
            v = request.headers.get(name)
            return v.decode() if isinstance(v, bytes) else v
        def capture(request, **_):
            seen.update({'sha': header(request, 'x-amz-content-sha256'),
                         'encoding': header(request, 'Content-Encoding'),
                         'trailer': header(request, 'x-amz-trailer')})
        s3.meta.events.register('before-send.s3.PutObject', capture)
        s3.create_bucket(Bucket='trailers')
        data = os.urandom(3 * 1024 * 1024 + 7)
        put = s3.put_object(Bucket='trailers', Key='t.bin', Body=data)
        got = s3.get_object(Bucket='trailers', Key='t.bin')['Body'].read()
        print(json.dumps({'botocore': botocore.__version__, 'same': got == data, 'length': len(got),
                          'crc32': put.get('ChecksumCRC32'), **{k: v for k, v in seen.items()}}))
        """);
    Map<String, String> env = Map.of("AWS_EC2_METADATA_DISABLED", "true",
        "AWS_CONFIG_FILE", work.resolve("none").toString(), "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString());
    // The first python3 on PATH: pyenv's, with a boto3 recent enough to send trailers.
    CliRunner.Result r = new CliRunner(env).run(work, "python3", script.toString(), proxy.httpsEndpoint(), KEY, SECRET,
        proxy.server().tls().files().certificateChain().toString());
    assertEquals(0, r.exitCode(), r.all());
    JsonNode out = new ObjectMapper().readTree(r.stdout().strip());
    assertEquals("STREAMING-UNSIGNED-PAYLOAD-TRAILER", out.path("sha").asText(),
        "boto3 " + out.path("botocore").asText() + " used trailer mode: " + out);
    assertTrue(out.path("encoding").asText().contains("aws-chunked"), out.toString());
    assertEquals("x-amz-checksum-crc32", out.path("trailer").asText().toLowerCase(), out.toString());
    assertTrue(out.path("same").asBoolean(), out.toString());
    assertEquals(3 * 1024 * 1024 + 7, out.path("length").asInt());
  }
}
