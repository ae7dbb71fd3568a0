package dev.tokengate.proxy.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a boto3 script with Debian's {@code /usr/bin/python3} against a proxy, with a prelude of
 * helpers, and collects the JSON line each step prints. The prelude gives the script {@code ep}
 * (the endpoint), {@code out(step, **values)}, {@code client(service, creds=None, **config)}
 * ({@code creds} a dict with key/secret/token; {@code None} for unsigned requests), and {@code
 * attempt(fn)}, which returns {@code {"code", "status", "message", "error"}} of a ClientError (code
 * {@code none} on success) so that refusals can be asserted exactly.
 */
public final class Boto3Script {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PRELUDE = """
      import json, sys
      import boto3, botocore
      from botocore import UNSIGNED
      from botocore.config import Config
      ep = sys.argv[1]
      def out(step, **kw):
          kw['step'] = step
          print(json.dumps(kw), flush=True)
      def client(service, creds=None, **config):
          cfg = Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1},
                       signature_version=(UNSIGNED if creds is None else None), **config)
          kw = dict(endpoint_url=ep, region_name='us-east-1', config=cfg)
          if creds is not None:
              kw.update(aws_access_key_id=creds['key'], aws_secret_access_key=creds['secret'],
                        aws_session_token=creds.get('token'))
          return boto3.client(service, **kw)
      def creds_of(c):
          return {'key': c['AccessKeyId'], 'secret': c['SecretAccessKey'], 'token': c['SessionToken']}
      def attempt(fn):
          try:
              fn()
              return {'code': 'none'}
          except botocore.exceptions.ClientError as e:
              err = dict(e.response.get('Error', {}))
              return {'code': err.get('Code'), 'message': err.get('Message'),
                      'status': e.response.get('ResponseMetadata', {}).get('HTTPStatusCode'), 'error': err}
      """;

  private Boto3Script() {}

  /** The steps a run printed, by name, plus the transcript for failure messages. */
  public record Run(Map<String, JsonNode> steps, CliRunner.Result result, String transcript) {
    public JsonNode step(String name) {
      JsonNode n = steps.get(name);
      if (n == null) {
        throw new AssertionError("step " + name + " missing:\n" + transcript);
      }
      return n;
    }
  }

  /**
   * Runs {@code body} (after the prelude) with {@code args} after the endpoint.
   *
   * @throws AssertionError when the script fails
   */
  public static Run run(Path dir, String endpoint, String body, String... args) throws IOException, InterruptedException {
    Path script = Files.createTempFile(dir, "boto3-", ".py");
    Files.writeString(script, PRELUDE + body, StandardCharsets.UTF_8);
    // CliRunner drops every AWS_* variable of this JVM; these keep botocore off files and instance metadata.
    Map<String, String> env = new HashMap<>();
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    CliRunner python = new CliRunner(env);
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), endpoint));
    command.addAll(List.of(args));
    CliRunner.Result r = python.run(dir, command.toArray(String[]::new));
    if (r.exitCode() != 0) {
      throw new AssertionError("boto3 script failed:\n" + python.transcript());
    }
    Map<String, JsonNode> steps = new LinkedHashMap<>();
    for (String line : r.stdout().strip().split("\n")) {
      if (!line.isBlank()) {
        JsonNode n = JSON.readTree(line);
        steps.put(n.path("step").asText(), n);
      }
    }
    return new Run(steps, r, python.transcript());
  }
}
