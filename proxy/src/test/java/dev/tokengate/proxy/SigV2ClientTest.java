package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Legacy SigV2 with the real s3cmd: refused by default, verified when {@code acceptSigV2: true}. */
@Timeout(120)
class SigV2ClientTest {
  @TempDir Path dir;

  private CliRunner.Result s3cmd(TokengateExtension s, String secret, String... args) throws Exception {
    Path cfg = dir.resolve("s3cfg");
    if (!Files.exists(cfg)) {
      Files.createFile(cfg);
    }
    String hostPort = s.hostPort();
    List<String> command = new ArrayList<>(List.of("s3cmd", "-c", cfg.toString(), "--host=" + hostPort,
        "--host-bucket=" + hostPort, "--no-ssl", "--access_key=" + s.admin().accessKeyId(), "--secret_key=" + secret,
        "--signature-v2"));
    command.addAll(List.of(args));
    return new CliRunner(Map.of()).run(dir, command.toArray(String[]::new));
  }

  @Nested
  class ByDefault {
    @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults();

    @Test
    void refusedByDefault() throws Exception {
      CliRunner.Result r = s3cmd(proxy, proxy.admin().secretAccessKey(), "mb", "s3://sigvtwo");
      assertTrue(r.exitCode() != 0 && r.all().contains("InvalidRequest"), r.all());
      assertEquals(List.of(), proxy.backend().buckets(), "nothing reached the backend");
    }
  }

  @Nested
  class WhenEnabled {
    @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults().acceptSigV2();

    @Test
    void acceptedAndVerifiedWhenEnabled() throws Exception {
      Path file = dir.resolve("f.txt");
      Files.writeString(file, "signed the old way\n");
      assertEquals(0, s3cmd(proxy, proxy.admin().secretAccessKey(), "mb", "s3://sigvtwo").exitCode());
      assertEquals(0, s3cmd(proxy, proxy.admin().secretAccessKey(), "put", file.toString(), "s3://sigvtwo/f.txt").exitCode());
      Path back = dir.resolve("back.txt");
      assertEquals(0, s3cmd(proxy, proxy.admin().secretAccessKey(), "get", "s3://sigvtwo/f.txt", back.toString()).exitCode());
      assertEquals(Files.readString(file), Files.readString(back));
      CliRunner.Result wrong = s3cmd(proxy, "a-wrong-secret-a-wrong-secret-00", "ls", "s3://sigvtwo");
      assertTrue(wrong.exitCode() != 0 && wrong.all().contains("SignatureDoesNotMatch"), wrong.all());
    }
  }
}
