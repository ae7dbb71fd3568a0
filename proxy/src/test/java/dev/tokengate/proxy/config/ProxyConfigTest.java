package dev.tokengate.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration is validated as a whole at startup, each problem naming its field. */
class ProxyConfigTest {
  @TempDir Path dir;

  private InvalidConfigException invalid(String yaml) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, yaml);
    return assertThrows(InvalidConfigException.class, () -> ProxyConfig.load(file));
  }

  @Test
  void everyProblemIsReportedWithItsField() throws Exception {
    InvalidConfigException e = invalid("""
        listen: localhost:99999
        accountId: "12345"
        backend: {endpoint: "ftp://x", accessKey: a}
        users:
          - name: "bad name!"
            accessKeys: [{id: AKIA1, secret: short}]
          - name: twin
          - name: twin
        roles:
          - name: r
            maxSessionDuration: 100
        """);
    String m = e.getMessage();
    assertTrue(m.contains("listen must be host:port with a port from 0 to 65535"), m);
    assertTrue(m.contains("accountId must be 12 digits"), m);
    assertTrue(m.contains("backend.endpoint must be an http://host[:port] URL"), m);
    assertTrue(m.contains("backend.secretKey is required"), m);
    assertTrue(m.contains("users[0].name must be 1-64 characters"), m);
    assertTrue(m.contains("users[0].accessKeys[0].id must be AKIA followed by"), m);
    assertTrue(m.contains("users[0].accessKeys[0].secret must be at least 16 characters"), m);
    assertTrue(m.contains("users[2].name 'twin' is used by another user"), m);
    assertTrue(m.contains("roles[0].trustPolicy is required"), m);
    assertTrue(m.contains("roles[0].maxSessionDuration must be 3600 to 43200 seconds"), m);
  }

  @Test
  void backendTimeoutsAreValidatedAndDefaulted() throws Exception {
    InvalidConfigException e = invalid("""
        backendTimeouts: {connectSeconds: 0, responseSeconds: 7200, idleSeconds: -1}
        backendCircuitBreaker: {failures: -1, openSeconds: 0}
        """);
    String m = e.getMessage();
    assertTrue(m.contains("backendTimeouts.connectSeconds must be from 0.1 to 120 seconds, got 0.0"), m);
    assertTrue(m.contains("backendTimeouts.responseSeconds must be from 0.1 to 3600 seconds, got 7200.0"), m);
    assertTrue(m.contains("backendTimeouts.idleSeconds must be from 0.1 to 3600 seconds, got -1.0"), m);
    assertTrue(m.contains("backendCircuitBreaker.failures must be from 0 (off) to 1000, got -1"), m);
    assertTrue(m.contains("backendCircuitBreaker.openSeconds must be from 0.1 to 600 seconds, got 0.0"), m);

    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "backendTimeouts: {responseSeconds: 1.5}\n");
    BackendTimeouts t = ProxyConfig.load(file).backendTimeouts();
    assertEquals(java.time.Duration.ofMillis(1500), t.response());
    assertEquals(java.time.Duration.ofSeconds(5), t.connect());
    assertEquals(java.time.Duration.ofSeconds(30), t.idle());
    assertEquals(java.time.Duration.ofSeconds(30), ProxyConfig.defaults().backendTimeouts().response());
  }

  @Test
  void unknownFieldIsRefused() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "listen: 127.0.0.1:0\nlisten_port: 5\n");
    Exception e = assertThrows(Exception.class, () -> ProxyConfig.load(file));
    assertTrue(e.getMessage().contains("listen_port"), e.getMessage());
  }

  @Test
  void defaultsApply() {
    ProxyConfig c = ProxyConfig.defaults();
    assertEquals("127.0.0.1", c.listenHost());
    assertEquals(0, c.listenPort());
    assertEquals("123456789012", c.accountId());
    assertTrue(c.problems().isEmpty());
  }

  @Test
  void limitsOutOfRangeAreReportedWithTheirField() throws Exception {
    String m = invalid("""
        limits:
          headerTimeoutSeconds: 0
          bodyIdleTimeoutSeconds: 10000
          maxConnections: -1
          maxRequestsPerConnection: 0
          maxQueryFormBytes: 100
          maxAwsChunkBytes: 1024
        """).getMessage();
    assertTrue(m.contains("limits.headerTimeoutSeconds must be from 1 to 3600 seconds, got 0"), m);
    assertTrue(m.contains("limits.bodyIdleTimeoutSeconds must be from 1 to 3600 seconds, got 10000"), m);
    assertTrue(m.contains("limits.maxConnections must be from 1 to 1000000 connections, got -1"), m);
    assertTrue(m.contains("limits.maxRequestsPerConnection must be from 1 to"), m);
    assertTrue(m.contains("limits.maxQueryFormBytes must be from 4096 to 16777216 bytes, got 100"), m);
    assertTrue(m.contains("limits.maxAwsChunkBytes must be from 8192 to 67108864 bytes, got 1024"), m);
  }

  @Test
  void unknownLimitIsRefused() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "limits: {maxConnection: 5}\n");
    Exception e = assertThrows(Exception.class, () -> ProxyConfig.load(file));
    assertTrue(e.getMessage().contains("maxConnection"), e.getMessage());
  }

  @Test
  void insecureHttpIssuersAreOffUnlessAskedFor() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS") == null);
    assertEquals(false, ProxyConfig.defaults().federation().allowInsecureHttpIssuers());
    Path file = dir.resolve("f.yaml");
    Files.writeString(file, "federation: {allowInsecureHttpIssuers: true}\n");
    assertEquals(true, ProxyConfig.load(file).federation().allowInsecureHttpIssuers());
    Files.writeString(file, "federation: {allowInsecureHttp: true}\n");
    Exception e = assertThrows(Exception.class, () -> ProxyConfig.load(file));
    assertTrue(e.getMessage().contains("allowInsecureHttp"), e.getMessage());
  }

  @Test
  void federationProvidersOfTheFileAreValidatedAsIamWould() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS") == null);
    String m = invalid("""
        federation:
          oidcProviders:
            - url: http://issuer.example.com
            - url: https://issuer.example.com:8443/x
            - url: https://ok.example.com/p?x=1
            - url: https://ok.example.com
              thumbprints: [abc]
              clientIds: [""]
            - url: https://ok.example.com
            - {}
          samlProviders:
            - {name: "bad name", metadataFile: m.xml}
            - {name: Corp}
            - {name: Twin, metadataFile: a.xml}
            - {name: Twin, metadataFile: b.xml}
        """).getMessage();
    assertTrue(m.contains("federation.oidcProviders[0].url must begin with https://"), m);
    assertTrue(m.contains("federation.oidcProviders[1].url must not name a port"), m);
    assertTrue(m.contains("federation.oidcProviders[2].url must be scheme://host[/path], without query"), m);
    assertTrue(m.contains("federation.oidcProviders[3].thumbprints: each must be 40 hex digits"), m);
    assertTrue(m.contains("federation.oidcProviders[3].clientIds: each must have 1 to 255 characters"), m);
    assertTrue(m.contains("federation.oidcProviders[4].url 'https://ok.example.com' names the issuer of another"), m);
    assertTrue(m.contains("federation.oidcProviders[5].url is missing"), m);
    assertTrue(m.contains("federation.samlProviders[0].name must be 1 to 128 letters"), m);
    assertTrue(m.contains("federation.samlProviders[1].metadataFile is missing"), m);
    assertTrue(m.contains("federation.samlProviders[3].name 'Twin' is used by another provider"), m);
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, """
        federation:
          allowInsecureHttpIssuers: true
          oidcProviders: [{url: "http://127.0.0.1:8080/realms/x", clientIds: [app]}]
        """);
    FederationConfig ok = ProxyConfig.load(file).federation();
    assertEquals(List.of("app"), ok.oidcProviders().get(0).clientIds());
    assertEquals(List.of(), ok.oidcProviders().get(0).thumbprints());
  }

  @Test
  void environmentVariablesOverrideTheFilesKeys() throws Exception {
    Path file = dir.resolve("env.yaml");
    Files.writeString(file, """
        listen: 127.0.0.1:9000
        backend: {endpoint: "http://127.0.0.1:9001", accessKey: FILEKEY, secretKey: file-secret-file-secret}
        limits: {maxConnections: 10}
        """);
    ProxyConfig c = ProxyConfig.load(file, java.util.Map.of(
        "TOKENGATE_CONFIG_LISTEN", "127.0.0.1:9999",
        "TOKENGATE_CONFIG_BACKEND_SECRETKEY", "env-secret-env-secret-env",
        "TOKENGATE_CONFIG_LIMITS_MAXCONNECTIONS", "77",
        "TOKENGATE_CONFIG_SHADOWMODE", "true",
        "TOKENGATE_CONFIG_VIRTUALHOSTDOMAINS", "[s3.local, s3.test]",
        "TOKENGATE_CONFIG_AUDIT", "{file: \"-\"}",
        "TOKENGATE_ADMIN_TOKEN", "not a configuration key: left alone"));
    assertEquals("127.0.0.1:9999", c.listen());
    assertEquals("FILEKEY", c.backend().accessKey());
    assertEquals("env-secret-env-secret-env", c.backend().secretKey());
    assertEquals(77, c.limits().maxConnections());
    assertEquals(10, ProxyConfig.load(file, java.util.Map.of()).limits().maxConnections());
    assertEquals(true, c.shadowMode());
    assertEquals(List.of("s3.local", "s3.test"), c.virtualHostDomains());
    assertTrue(c.audit().stdout());
    String m = assertThrows(InvalidConfigException.class, () -> ProxyConfig.load(file, java.util.Map.of(
        "TOKENGATE_CONFIG_BACKEND_SECRETKY", "x", "TOKENGATE_CONFIG_LIMITS_MAXCONNECTIONS", "many",
        "TOKENGATE_CONFIG_LISTEN_PORT", "1"))).getMessage();
    assertTrue(m.contains("TOKENGATE_CONFIG_BACKEND_SECRETKY names no configuration key (backend has no 'secretky')"), m);
    assertTrue(m.contains("TOKENGATE_CONFIG_LISTEN_PORT: listen has no keys below it"), m);
    Exception notANumber = assertThrows(Exception.class, () -> ProxyConfig.load(file, java.util.Map.of(
        "TOKENGATE_CONFIG_LIMITS_MAXCONNECTIONS", "many")));
    assertTrue(notANumber.getMessage().contains("maxConnections"), notANumber.getMessage());
  }

  @Test
  void limitDefaultsAreSafe() {
    LimitsConfig l = ProxyConfig.defaults().limits();
    assertEquals(10, l.headerTimeoutSeconds());
    assertEquals(20, l.bodyIdleTimeoutSeconds());
    assertEquals(4096, l.maxConnections());
    assertEquals(1000, l.maxRequestsPerConnection());
    assertEquals(256 * 1024, l.maxQueryFormBytes());
    assertEquals(16 * 1024 * 1024, l.maxAwsChunkBytes());
  }
}
