package dev.tokengate.proxy.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The AWS CLI v2 ({@code /usr/bin/aws}) pointed at one endpoint as one identity, answering JSON:
 * {@code ok(...)} for a call that must succeed, {@code fails(..., code)} for one that must fail
 * with that AWS error code.
 */
public final class AwsCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String endpoint;
  private final Path work;
  private final CliRunner runner;

  public AwsCli(String endpoint, Path work, Credentials as) {
    this.endpoint = endpoint;
    this.work = work;
    Map<String, String> env = CliRunner.awsEnv(work, as.accessKeyId(), as.secretAccessKey());
    if (as.sessionToken() != null) {
      env.put("AWS_SESSION_TOKEN", as.sessionToken());
    }
    this.runner = new CliRunner(env);
  }

  /** The same endpoint as another identity. */
  public AwsCli as(Credentials other) {
    return new AwsCli(endpoint, work, other);
  }

  public CliRunner.Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", endpoint, "--region",
        "us-east-1", "--output", "json"));
    command.addAll(List.of(args));
    return runner.run(work, command.toArray(String[]::new));
  }

  public JsonNode ok(String... args) throws Exception {
    CliRunner.Result r = run(args);
    assertEquals(0, r.exitCode(), r.all());
    return r.stdout().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.stdout());
  }

  public void fails(String code, String... args) throws Exception {
    CliRunner.Result r = run(args);
    assertTrue(r.exitCode() != 0, r.all());
    assertTrue(r.stderr().contains("(" + code + ")"), "expected " + code + ": " + r.all());
  }
}
