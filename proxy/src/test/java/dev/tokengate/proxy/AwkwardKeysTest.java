package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys that encoders disagree about, through PUT, GET, LIST, COPY and DeleteObjects with the real
 * AWS CLI v2 and boto3: a literal {@code +}, literal {@code %7E} and {@code %2D} (which must stay
 * three characters, not become {@code ~} or {@code -}), {@code ~}, a space, and UTF-8 (ü, 日本, an
 * emoji). Each client must read back the same bytes, list exactly these keys, copy them, and delete
 * them in one DeleteObjects call; the backend, read directly, must hold exactly these keys. Every
 * key's outcome is collected first, so a failure names all the keys that fail and how.
 */
@Timeout(600)
class AwkwardKeysTest {
  static final List<String> KEYS =
      List.of(
          "plus+sign.txt",
          "percent%7Etilde.txt",
          "percent%2Ddash.txt",
          "tilde~key.txt",
          "with space.txt",
          "umlaut-ü.txt",
          "日本/語.txt",
          "emoji-😀.txt",
          "mixed/a+b c%7E~ü.txt");
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.defaults();
  @TempDir static Path work;

  static byte[] content(String key) {
    return ("content of " + key + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void awsCliV2() throws Exception {
    String bucket = "awkward-cli";
    Path dir = Files.createDirectories(work.resolve("cli"));
    Path up = Files.createDirectories(dir.resolve("up"));
    for (String key : KEYS) {
      Files.createDirectories(up.resolve(key).getParent());
      Files.write(up.resolve(key), content(key));
    }
    CliRunner cli = new CliRunner(CliRunner.awsEnv(dir, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
    List<String> failures = new ArrayList<>();
    try {
      ok(cli.run(dir, aws("s3", "mb", "s3://" + bucket)));
      // PutObject per file, CopyObject per key, GetObject per key: one command each, per-key errors in the output.
      step(failures, "put", cli.run(dir, aws("s3", "cp", "--recursive", up.toString(), "s3://" + bucket + "/src/")));
      step(failures, "copy", cli.run(dir, aws("s3", "cp", "--recursive", "s3://" + bucket + "/src/", "s3://" + bucket + "/copy/")));
      for (String prefix : new String[] {"src", "copy"}) {
        Path down = dir.resolve("down-" + prefix);
        step(failures, "get " + prefix, cli.run(dir, aws("s3", "cp", "--recursive", "s3://" + bucket + "/" + prefix + "/",
            down.toString())));
        for (String key : KEYS) {
          Path file = down.resolve(key);
          if (!Files.exists(file) || !Arrays.equals(content(key), Files.readAllBytes(file))) {
            failures.add("get " + prefix + "/" + key + ": " + (Files.exists(file) ? "other bytes" : "not downloaded"));
          }
        }
      }
      // list-objects-v2 asks for encoding-type=url and decodes the answer itself, as SDKs do.
      CliRunner.Result list = cli.run(dir, aws("s3api", "list-objects-v2", "--bucket", bucket, "--output", "json"));
      step(failures, "list", list);
      List<String> listed = new ArrayList<>();
      if (list.exitCode() == 0 && !list.stdout().isBlank()) {
        JSON.readTree(list.stdout()).path("Contents").forEach(c -> listed.add(c.path("Key").asText()));
      }
      compareKeys(failures, "list", listed);
      compareKeys(failures, "backend before delete", proxy.backend().keys(bucket));
      compareBytes(failures, bucket);

      Map<String, Object> delete = new LinkedHashMap<>();
      List<Map<String, String>> objects = new ArrayList<>();
      for (String key : expectedKeys()) {
        objects.add(Map.of("Key", key));
      }
      delete.put("Objects", objects);
      Path deleteJson = dir.resolve("delete.json");
      Files.writeString(deleteJson, JSON.writeValueAsString(delete), StandardCharsets.UTF_8);
      CliRunner.Result deleted =
          cli.run(dir, aws("s3api", "delete-objects", "--bucket", bucket, "--delete", "file://" + deleteJson, "--output", "json"));
      step(failures, "delete-objects", deleted);
      if (deleted.exitCode() == 0 && !deleted.stdout().isBlank()) {
        JsonNode result = JSON.readTree(deleted.stdout());
        result.path("Errors").forEach(e -> failures.add("delete-objects " + e.path("Key").asText() + ": " + e.path("Code").asText()));
        List<String> gone = new ArrayList<>();
        result.path("Deleted").forEach(d -> gone.add(d.path("Key").asText()));
        compareKeys(failures, "delete-objects Deleted", gone);
      }
      List<String> left = proxy.backend().keys(bucket);
      if (!left.isEmpty()) {
        failures.add("backend after delete-objects still holds " + left);
      }
    } finally {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "awkward-keys-cli-transcript.txt"), cli.transcript(), StandardCharsets.UTF_8);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n--- transcript ---\n" + cli.transcript());
  }

  /** Prints one JSON line per key and step, so each key's outcome is known even when some fail. */
  static final String BOTO3 = """
      import json, sys
      import boto3, botocore
      from botocore.config import Config
      ep, ak, sk, bucket = sys.argv[1:5]
      keys = json.loads(sys.stdin.read())
      s3 = boto3.client('s3', endpoint_url=ep, aws_access_key_id=ak, aws_secret_access_key=sk, region_name='us-east-1',
          config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
      def out(**kw):
          print(json.dumps(kw, ensure_ascii=True), flush=True)
      def attempt(step, key, fn):
          try:
              r = fn()
              out(step=step, key=key, ok=True, result=r)
          except botocore.exceptions.ClientError as e:
              out(step=step, key=key, ok=False, status=e.response['ResponseMetadata'].get('HTTPStatusCode'),
                  code=e.response['Error'].get('Code'))
      def content(key):
          return ('content of ' + key + '\\n').encode('utf-8')
      s3.create_bucket(Bucket=bucket)
      for key in keys:
          attempt('put', key, lambda: s3.put_object(Bucket=bucket, Key='src/' + key, Body=content(key)) and None)
          attempt('get', key, lambda: s3.get_object(Bucket=bucket, Key='src/' + key)['Body'].read() == content(key))
          attempt('copy', key, lambda: s3.copy_object(Bucket=bucket, Key='copy/' + key,
              CopySource={'Bucket': bucket, 'Key': 'src/' + key}) and None)
          attempt('get-copy', key, lambda: s3.get_object(Bucket=bucket, Key='copy/' + key)['Body'].read() == content(key))
      attempt('list', None, lambda: [o['Key'] for o in s3.list_objects_v2(Bucket=bucket).get('Contents', [])])
      def delete():
          objs = [{'Key': p + k} for p in ('src/', 'copy/') for k in keys]
          r = s3.delete_objects(Bucket=bucket, Delete={'Objects': objs})
          return {'deleted': [d['Key'] for d in r.get('Deleted', [])],
                  'errors': [e['Key'] + ': ' + e['Code'] for e in r.get('Errors', [])]}
      attempt('delete-objects', None, delete)
      """;

  @Test
  void boto3() throws Exception {
    String bucket = "awkward-boto3";
    Path dir = Files.createDirectories(work.resolve("boto3"));
    Path script = dir.resolve("awkward.py");
    Files.writeString(script, BOTO3, StandardCharsets.UTF_8);
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, JSON.writeValueAsString(KEYS), StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>();
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    CliRunner python = new CliRunner(env);
    CliRunner.Result r = python.run(dir, "/bin/sh", "-c", "/usr/bin/python3 \"$0\" \"$1\" \"$2\" \"$3\" \"$4\" < \"$5\"",
        script.toString(), proxy.endpoint(), proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(), bucket,
        keys.toString());
    assertEquals(0, r.exitCode(), python.transcript());

    List<String> failures = new ArrayList<>();
    Map<String, JsonNode> byStep = new HashMap<>();
    for (String line : r.stdout().strip().split("\n")) {
      JsonNode n = JSON.readTree(line);
      String step = n.path("step").asText();
      String key = n.path("key").isNull() ? null : n.path("key").asText();
      byStep.put(key == null ? step : step + " " + key, n);
      if (!n.path("ok").asBoolean()) {
        failures.add(step + (key == null ? "" : " " + key) + ": " + n.path("status").asText() + " " + n.path("code").asText());
      } else if ((step.equals("get") || step.equals("get-copy")) && !n.path("result").asBoolean()) {
        failures.add(step + " " + key + ": other bytes");
      }
    }
    for (String key : KEYS) {
      for (String step : new String[] {"put", "get", "copy", "get-copy"}) {
        if (!byStep.containsKey(step + " " + key)) {
          failures.add(step + " " + key + ": no result line");
        }
      }
    }
    JsonNode list = byStep.get("list");
    if (list != null && list.path("ok").asBoolean()) {
      List<String> listed = new ArrayList<>();
      list.path("result").forEach(k -> listed.add(k.asText()));
      compareKeys(failures, "list", listed);
    }
    JsonNode delete = byStep.get("delete-objects");
    if (delete != null && delete.path("ok").asBoolean()) {
      delete.path("result").path("errors").forEach(e -> failures.add("delete-objects " + e.asText()));
      List<String> gone = new ArrayList<>();
      delete.path("result").path("deleted").forEach(k -> gone.add(k.asText()));
      compareKeys(failures, "delete-objects Deleted", gone);
    }
    List<String> left = proxy.backend().keys(bucket);
    if (!left.isEmpty()) {
      failures.add("backend after delete-objects still holds " + left);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n--- output ---\n" + python.transcript());
  }

  private static List<String> expectedKeys() {
    List<String> all = new ArrayList<>();
    for (String prefix : new String[] {"src/", "copy/"}) {
      KEYS.forEach(k -> all.add(prefix + k));
    }
    return all;
  }

  /** Exactly the expected keys, named one by one when not. */
  private static void compareKeys(List<String> failures, String what, List<String> actual) {
    TreeSet<String> missing = new TreeSet<>(expectedKeys());
    actual.forEach(missing::remove);
    TreeSet<String> extra = new TreeSet<>(actual);
    extra.removeAll(expectedKeys());
    missing.forEach(k -> failures.add(what + ": missing " + k));
    extra.forEach(k -> failures.add(what + ": unexpected " + k));
    if (actual.size() != new TreeSet<>(actual).size()) {
      failures.add(what + ": duplicates in " + actual);
    }
  }

  /** The backend's bytes for every key that is there (the missing ones are reported by compareKeys). */
  private static void compareBytes(List<String> failures, String bucket) throws Exception {
    for (String key : expectedKeys()) {
      Optional<byte[]> stored = proxy.backend().read(bucket, key);
      String plain = key.substring(key.indexOf('/') + 1);
      if (stored.isPresent() && !Arrays.equals(content(plain), stored.get())) {
        failures.add("backend " + key + ": other bytes");
      }
    }
  }

  private static String[] aws(String... args) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", proxy.endpoint()));
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  /** A step's non-zero exit is a failure; its per-key lines (upload failed: …) are in the transcript. */
  private static void step(List<String> failures, String what, CliRunner.Result r) {
    if (r.exitCode() != 0) {
      for (String line : r.all().split("\n")) {
        if (line.contains("failed") || line.contains("error")) {
          failures.add(what + ": " + line.strip());
        }
      }
      failures.add(what + ": exit " + r.exitCode());
    }
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r;
  }
}
