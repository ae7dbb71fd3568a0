package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.RawS3Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot reload: a policy changed in the configuration file takes effect on the next request; a
 * broken file (a policy that does not parse, a key the loader does not know) is refused as a
 * whole and the policy in force keeps working; identity providers added to the file appear.
 */
@Timeout(120)
class ConfigReloadTest {
  static final Credentials DEV = Credentials.of("AKIARELOADDEV0000001", "reload-secret-reload-secret-reload-00");

  @TempDir Path dir;

  private String config(String bucket, String extra) {
    return """
        listen: 127.0.0.1:0
        dataDir: %s
        users:
          - name: dev
            accessKeys: [{id: %s, secret: %s}]
            policies:
              list:
                Version: "2012-10-17"
                Statement:
                  - {Effect: %s, Action: "s3:ListBucket", Resource: "arn:aws:s3:::%s"}
        %s
        """.formatted(dir.resolve("data"), DEV.accessKeyId(), DEV.secretAccessKey(),
        bucket.equals("broken") ? "Maybe" : "Allow", bucket, extra);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within 10 s: " + what);
  }

  private static int list(RawS3Client client, String bucket) {
    try {
      return client.get("/" + bucket + "?list-type=2").statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aChangedPolicyTakesEffectAndABrokenFileChangesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("tokengate.yaml"), config("alpha", ""));
    try (ProxyServer server = ProxyServer.start(ProxyConfig.load(file), Clock.systemUTC())) {
      server.watchConfig(file, Duration.ofMillis(200));
      Credentials admin = Credentials.of(server.admin().accessKeyId(), server.admin().secretAccessKey());
      RawS3Client root = new RawS3Client(server.endpoint(), admin, Clock.systemUTC());
      assertEquals(200, root.put("/alpha", "").statusCode());
      assertEquals(200, root.put("/beta", "").statusCode());
      RawS3Client dev = root.as(DEV);
      assertEquals(200, list(dev, "alpha"));
      assertEquals(403, list(dev, "beta"));

      Files.writeString(file, config("beta", ""));
      await(() -> list(dev, "beta") == 200, "the new policy allows beta");
      assertEquals(403, list(dev, "alpha"), "and no longer alpha");
      assertEquals(1, server.reloads()[0]);

      Files.writeString(file, config("broken", ""));
      await(() -> server.reloads()[1] == 1, "the broken policy is refused");
      assertEquals(200, list(dev, "beta"), "the policy in force keeps working");
      Files.writeString(file, config("beta", "surprise: true"));
      await(() -> server.reloads()[1] == 2, "an unknown key is refused");
      assertEquals(200, list(dev, "beta"));
      assertEquals(1, server.reloads()[0], "nothing of the broken files was taken");

      Files.writeString(file, config("beta", """
          federation:
            oidcProviders: [{url: "https://ci.example.com/issuer", clientIds: [sts.amazonaws.com]}]
          """));
      await(() -> server.reloads()[0] == 2, "the provider file is taken");
      String providers = new AwsCli(server.endpoint(), dir, admin)
          .ok("iam", "list-open-id-connect-providers").toString();
      assertTrue(providers.contains(":oidc-provider/ci.example.com/issuer"), providers);
      assertEquals(200, list(dev, "beta"));
    }
  }
}
