package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySimulatorTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PolicySimulator.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void allowsDeniesAndReportsUsageErrors() throws IOException {
    Path session = dir.resolve("session.json");
    Files.writeString(session, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S\",\"Effect\":\"Allow\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}");
    String[] common = {"--managed", ManagedPolicies.S3_FULL_ACCESS, "--session", session.toString(),
        "--principal", "arn:aws:sts::123456789012:assumed-role/ReadOnly/s1", "--resource", "arn:aws:s3:::b/k"};
    assertEquals(0, run(concat(common, "--action", "s3:GetObject", "aws:SourceIp=10.1.1.1")));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Sid=S"), out.toString(StandardCharsets.UTF_8));
    out.reset();
    assertEquals(1, run(concat(common, "--action", "s3:PutObject", "--trace")));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("because no session policy allows the s3:PutObject action"));
    assertEquals(2, run("--action", "s3:GetObject"));
    assertEquals(2, run("--bogus"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
