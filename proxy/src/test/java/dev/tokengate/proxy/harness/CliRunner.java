package dev.tokengate.proxy.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real command-line client (aws v1/v2, s3cmd, rclone, python3 boto3) with a clean, isolated
 * environment and a time bound, and keeps a transcript of everything it ran and printed.
 */
public final class CliRunner {

  public record Result(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + stderr;
    }
  }

  private final Map<String, String> env;
  private final StringBuilder transcript;

  public CliRunner(Map<String, String> env) {
    this(env, new StringBuilder());
  }

  private CliRunner(Map<String, String> env, StringBuilder transcript) {
    this.env = env;
    this.transcript = transcript;
  }

  /** A runner with another environment that writes to the same transcript. */
  public CliRunner withEnv(Map<String, String> otherEnv) {
    return new CliRunner(otherEnv, transcript);
  }

  /**
   * An environment for the AWS CLI / botocore isolated from the machine's: these keys, us-east-1, no
   * config or credentials files, no instance metadata, no pager.
   */
  public static Map<String, String> awsEnv(Path dir, String accessKey, String secretKey) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", accessKey);
    env.put("AWS_SECRET_ACCESS_KEY", secretKey);
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    env.put("AWS_PAGER", "");
    return env;
  }

  /** Finds the AWS CLI v1 that pyenv puts first on PATH (not Debian's v2 at /usr/bin/aws). */
  public static Path awsV1() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "aws");
      if (!candidate.startsWith("/usr/bin") && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "aws");
    return Files.isExecutable(pyenv) ? pyenv : null;
  }

  public Result run(Path workDir, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("RCLONE_"));
    e.putAll(env);
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("command timed out after 180 s: " + String.join(" ", command));
    }
    Result r =
        new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    List<String> shown = new ArrayList<>(List.of(command));
    transcript.append("$ ").append(String.join(" ", shown)).append('\n');
    if (!r.stdout().isEmpty()) {
      transcript.append(r.stdout());
    }
    if (!r.stderr().isEmpty()) {
      transcript.append(r.stderr());
    }
    transcript.append("[exit ").append(r.exitCode()).append("]\n");
    return r;
  }

  public String transcript() {
    return transcript.toString();
  }
}
