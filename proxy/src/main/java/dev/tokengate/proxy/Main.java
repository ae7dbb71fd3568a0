package dev.tokengate.proxy;

import dev.tokengate.proxy.cli.CredentialsCommand;
import dev.tokengate.proxy.cli.KeysCommand;
import dev.tokengate.proxy.cli.RevokeCommand;
import dev.tokengate.proxy.config.ProxyConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * Starts tokengate: {@code java -jar tokengate.jar [--config tokengate.yaml]}. Without a config the
 * proxy listens on 127.0.0.1:9000 (HTTP), 127.0.0.1:9443 (HTTPS, a generated certificate) and
 * 127.0.0.1:9100 (metrics and health), falling back to free ports, keeps its state in ./data and
 * runs the embedded S3Proxy backend. It prints the endpoint and the admin keys. {@code
 * java -jar tokengate.jar revoke …} revokes sessions instead ({@link RevokeCommand}), {@code
 * keys …} rotates the token keys ({@link KeysCommand}) and {@code credentials …} is a
 * {@code credential_process} ({@link CredentialsCommand}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("revoke")) {
      System.exit(RevokeCommand.run(java.util.List.of(args).subList(1, args.length), System.getenv(), System.out,
          System.err));
    }
    if (args.length > 0 && args[0].equals("credentials")) {
      System.exit(CredentialsCommand.run(java.util.List.of(args).subList(1, args.length), System.getenv(), System.out,
          System.err, Clock.systemUTC()));
    }
    if (args.length > 0 && args[0].equals("keys")) {
      System.exit(KeysCommand.run(java.util.List.of(args).subList(1, args.length), System.getenv(), System.out,
          System.err));
    }
    ProxyConfig config = ProxyConfig.defaults();
    Path configFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          configFile = Path.of(requireValue(args, ++i, "--config"));
          config = ProxyConfig.load(configFile);
        }
        case "--help", "-h" -> {
          System.out.println("usage: java -jar tokengate.jar [--config tokengate.yaml]");
          return;
        }
        default -> {
          System.err.println("unknown argument '" + args[i] + "'; usage: java -jar tokengate.jar [--config FILE]");
          System.exit(2);
        }
      }
    }
    if (args.length == 0) {
      config = ProxyConfig.runDefaults(true);
    }
    ProxyServer server;
    try {
      server = ProxyServer.start(config, Clock.systemUTC());
    } catch (java.net.BindException e) {
      if (args.length > 0) {
        throw e;
      }
      config = ProxyConfig.runDefaults(false);
      server = ProxyServer.start(config, Clock.systemUTC());
    }
    if (configFile != null) {
      server.watchConfig(configFile, java.time.Duration.ofSeconds(2));
    }
    printBanner(server);
    ProxyServer running = server;
    // SIGTERM (docker stop, Kubernetes) drains in-flight requests, then exits 0: the stop was asked
    // for, so it is no failure. Other exits (SIGINT, System.exit) still close through the hook.
    CountDownLatch terminate = new CountDownLatch(1);
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> terminate.countDown());
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "tokengate-shutdown"));
    terminate.await();
    System.out.println("tokengate: SIGTERM, draining requests in flight");
    System.out.flush();
    running.close();
    System.exit(0);
  }

  private static String requireValue(String[] args, int i, String flag) {
    if (i >= args.length) {
      System.err.println(flag + " needs a value");
      System.exit(2);
    }
    return args[i];
  }

  private static void printBanner(ProxyServer server) {
    String endpoint = server.endpoint() != null ? server.endpoint() : server.httpsEndpoint();
    String https = server.httpsEndpoint();
    System.out.println();
    System.out.println("tokengate is listening on " + endpoint
        + (https != null && !https.equals(endpoint) ? " and " + https : ""));
    if (server.tls() != null) {
      System.out.println("  TLS certificate:   " + server.tls().files().certificateChain());
      System.out.println("  SHA-256:           " + server.tls().fingerprint());
    }
    if (server.adminEndpoint() != null) {
      System.out.println("  metrics:           " + server.adminEndpoint() + "/metrics  (health: /health/ready)");
    }
    System.out.println("  backend:           " + server.backend().endpoint()
        + (server.embeddedBackend() != null ? " (embedded S3Proxy)" : ""));
    System.out.println("  admin access key:  " + server.admin().accessKeyId());
    System.out.println("  admin secret key:  " + server.admin().secretAccessKey());
    System.out.println();
    System.out.println("Try it:");
    System.out.println("  export AWS_ACCESS_KEY_ID=" + server.admin().accessKeyId());
    System.out.println("  export AWS_SECRET_ACCESS_KEY=" + server.admin().secretAccessKey());
    System.out.println("  aws --endpoint-url " + endpoint + " --region us-east-1 s3 mb s3://demo");
    System.out.println("  aws --endpoint-url " + endpoint + " --region us-east-1 s3 ls");
    if (https != null && server.tls() != null) {
      System.out.println("  AWS_CA_BUNDLE=" + server.tls().files().certificateChain() + " aws --endpoint-url " + https
          + " --region us-east-1 sts get-session-token");
    }
    System.out.println();
    System.out.flush();
  }
}
