package dev.tokengate.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls and admin sections: defaults, and every mistake named by its field. */
class ListenersConfigTest {
  @TempDir Path dir;

  private ProxyConfig load(String yaml) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, yaml);
    return ProxyConfig.load(file);
  }

  private String invalid(String yaml) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, yaml);
    return assertThrows(InvalidConfigException.class, () -> ProxyConfig.load(file)).getMessage();
  }

  @Test
  void defaults() throws Exception {
    ProxyConfig none = load("region: us-east-1\n");
    assertNull(none.tls(), "HTTPS only when configured");
    assertNull(none.admin(), "the admin listener only when configured");
    ProxyConfig both = load("tls: {}\nadmin: {}\n");
    assertEquals(new ListenAddress("127.0.0.1", 9443), both.tls().address());
    assertFalse(both.tls().fromFiles(), "no files: a generated certificate");
    assertEquals(new ListenAddress("127.0.0.1", 9100), both.admin().address());
    assertNull(both.admin().bearerToken(Map.of()));
    ProxyConfig run = ProxyConfig.runDefaults(true);
    assertEquals("127.0.0.1:9000", run.listen());
    assertEquals("127.0.0.1:9443", run.tls().listen());
    assertEquals("127.0.0.1:9100", run.admin().listen());
    assertTrue(run.problems().isEmpty(), run.problems().toString());
  }

  @Test
  void httpsOnly() throws Exception {
    ProxyConfig c = load("listen: \"\"\ntls: {listen: \"0.0.0.0:443\"}\n");
    assertFalse(c.plainHttp());
    assertTrue(invalid("listen: \"\"\n").contains("listen is \"\" (no plain HTTP) and tls is absent"));
  }

  @Test
  void tlsMistakes() throws Exception {
    Path chain = Files.writeString(dir.resolve("chain.pem"), "x");
    String m = invalid("""
        tls: {listen: "nohost", certificateChain: "%s", hostNames: ["bad name"]}
        """.formatted(chain));
    assertTrue(m.contains("tls.listen must be host:port with a port from 0 to 65535, got 'nohost'"), m);
    assertTrue(m.contains("tls: certificateChain and privateKey go together"), m);
    assertTrue(m.contains("tls.hostNames names a generated certificate's names"), m);
    assertTrue(m.contains("tls.hostNames[0] must be a DNS name or an IP address, got 'bad name'"), m);
    String missing = invalid("tls: {certificateChain: /nonexistent/chain.pem, privateKey: /nonexistent/key.pem}\n");
    assertTrue(missing.contains("tls.certificateChain '/nonexistent/chain.pem' is not a readable file"), missing);
    assertTrue(missing.contains("tls.privateKey '/nonexistent/key.pem' is not a readable file"), missing);
    Files.writeString(dir.resolve("u.yaml"), "tls: {ciphers: [x]}\n");
    assertTrue(assertThrows(com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException.class,
        () -> ProxyConfig.load(dir.resolve("u.yaml"))).getMessage().contains("\"ciphers\""), "unknown keys are refused");
  }

  @Test
  void adminMistakes() throws Exception {
    Path shortToken = Files.writeString(dir.resolve("short"), "abc\n");
    assertTrue(invalid("admin: {listen: \"127.0.0.1:70000\"}\n").contains("admin.listen must be host:port"));
    assertTrue(invalid("admin: {bearerTokenFile: /nonexistent, bearerTokenEnv: X}\n")
        .contains("admin: give bearerTokenFile or bearerTokenEnv, not both"));
    assertTrue(invalid("admin: {bearerTokenFile: /nonexistent/token}\n")
        .contains("admin.bearerTokenFile '/nonexistent/token' is not a readable file"));
    assertTrue(invalid("admin: {bearerTokenFile: \"" + shortToken + "\"}\n")
        .contains("admin: the bearer token must be at least 16 printable characters"));
    AdminConfig env = new AdminConfig(null, null, "TG_TOKEN");
    java.util.List<String> problems = new java.util.ArrayList<>();
    env.problems("admin", problems, Map.of());
    assertEquals(java.util.List.of("admin.bearerTokenEnv: the environment has no variable TG_TOKEN"), problems);
    problems.clear();
    env.problems("admin", problems, Map.of("TG_TOKEN", "0123456789abcdef0123"));
    assertTrue(problems.isEmpty(), problems.toString());
    assertEquals("0123456789abcdef0123", env.bearerToken(Map.of("TG_TOKEN", "0123456789abcdef0123\n")));
  }
}
