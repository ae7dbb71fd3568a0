package dev.tokengate.proxy.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tokengate.proxy.ProxyServer;
import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running tokengate for a test, in the spirit of OkHttp's MockWebServer.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TokengateExtension proxy = TokengateExtension.withConfig("""
 *     users:
 *       - name: reader
 *         accessKeys: [{id: AKIAREADER0000000001, secret: reader-secret-reader-secret-reader-000}]
 *         managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
 *     """).clock(clock);                      // optional: shadowMode(), acceptSigV2(), virtualHostDomains(..)
 *
 * proxy.adminClient().put("/bucket", "");     // RawS3Client signed as the bootstrap admin
 * proxy.client(Credentials.of(id, secret)).get("/bucket/key");
 * proxy.backend().state();                    // the backend's store, read around the proxy
 * proxy.spy().requests();                     // with spyOnBackend(): what the backend received
 * }</pre>
 *
 * A {@code static} field gives one proxy per test class (started before all, stopped after all; a
 * spy's records are cleared before each test); an instance field gives one per test. The YAML is a
 * fragment: the extension adds {@code listen} (loopback, port 0), {@code dataDir} (a fresh temporary
 * directory, deleted at the end, unless {@link #dataDir} names one) and {@code backend}.
 *
 * <p>Backends: by default one S3Proxy shared by the whole test JVM, emptied before each proxy starts
 * and serving one extension at a time (fast); {@link #embeddedBackend()} the proxy's own child S3Proxy in its data dir, as in
 * production; {@link #spyOnBackend()} a {@link BackendSpy} in front of the shared S3Proxy, recording
 * every request the proxy sends; {@link #fakeBackend} a BackendSpy answering canned responses.
 */
public final class TokengateExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final Set<String> OWN_KEYS = Set.of("listen", "dataDir", "backend");
  private static final YAMLMapper YAML = new YAMLMapper();

  private enum BackendKind { SHARED, EMBEDDED, SPY, FAKE, REPLICA }

  private final ObjectNode fragment;
  private Clock clock = Clock.systemUTC();
  private BackendKind kind = BackendKind.SHARED;
  private BackendSpy.Responder fakeResponder;
  private Boolean shadowMode;
  private Boolean acceptSigV2;
  private List<String> virtualHostDomains;
  private Path fixedDataDir;
  private TokengateExtension replicaOf;

  private boolean classScoped;
  private SharedBackend shared;
  private BackendSpy spy;
  private Path dataDir;
  private ProxyConfig config;
  private ProxyServer server;

  private TokengateExtension(String yamlFragment) {
    try {
      this.fragment =
          yamlFragment.isBlank() ? YAML.createObjectNode() : (ObjectNode) YAML.readTree(yamlFragment);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("the YAML fragment is not a mapping: " + e.getMessage(), e);
    }
    for (String own : OWN_KEYS) {
      if (fragment.has(own)) {
        throw new IllegalArgumentException("the harness sets '" + own + "' itself; leave it out of the YAML fragment");
      }
    }
  }

  /** A proxy configured with this YAML fragment (users, roles, region, …; not listen/dataDir/backend). */
  public static TokengateExtension withConfig(String yamlFragment) {
    return new TokengateExtension(yamlFragment);
  }

  /** A proxy with the defaults: only the bootstrap admin. */
  public static TokengateExtension defaults() {
    return new TokengateExtension("");
  }

  /** The clock the proxy reads (sessions, MFA, request time) and bound clients sign with. */
  public TokengateExtension clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public TokengateExtension shadowMode() {
    this.shadowMode = true;
    return this;
  }

  public TokengateExtension acceptSigV2() {
    this.acceptSigV2 = true;
    return this;
  }

  public TokengateExtension virtualHostDomains(String... domains) {
    this.virtualHostDomains = List.of(domains);
    return this;
  }

  /** Use this data directory (may be relative) instead of a temporary one; the test owns it. */
  public TokengateExtension dataDir(Path dir) {
    this.fixedDataDir = dir;
    return this;
  }

  /** The proxy starts its own S3Proxy child in its data dir, as in production (slower). */
  public TokengateExtension embeddedBackend() {
    this.kind = BackendKind.EMBEDDED;
    return this;
  }

  /** A {@link BackendSpy} relaying to the shared S3Proxy: state is real, requests are recorded. */
  public TokengateExtension spyOnBackend() {
    this.kind = BackendKind.SPY;
    return this;
  }

  /**
   * Forwards to the backend of {@code first} (registered, so started, before this one): a second
   * replica of one deployment.
   */
  public TokengateExtension replicaOf(TokengateExtension first) {
    this.kind = BackendKind.REPLICA;
    this.replicaOf = first;
    return this;
  }

  /** A {@link BackendSpy} that answers every request with {@code responder} (no real store). */
  public TokengateExtension fakeBackend(BackendSpy.Responder responder) {
    this.kind = BackendKind.FAKE;
    this.fakeResponder = responder;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    classScoped = true;
    start(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (classScoped) {
      if (spy != null) {
        spy.clear();
      }
    } else {
      start(context);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!classScoped) {
      stop();
    }
  }

  private void start(ExtensionContext context) throws Exception {
    try {
      startProxy(context);
    } catch (Exception | Error e) {
      stop(); // whatever did start (spy, claim on the shared store) is let go
      throw e;
    }
  }

  private void startProxy(ExtensionContext context) throws Exception {
    BackendConfig backend = null;
    switch (kind) {
      case SHARED, SPY -> {
        SharedBackend claimed = SharedBackend.in(context);
        claimed.acquire();
        shared = claimed;
        backend = shared.config();
        if (kind == BackendKind.SPY) {
          spy = BackendSpy.relayingTo(backend);
          backend = spy.backendConfig(backend);
        }
      }
      case FAKE -> {
        spy = BackendSpy.fake(fakeResponder);
        backend = spy.backendConfig(new BackendConfig("http://127.0.0.1:1", "FAKEBACKENDKEY000000", "fake-backend-secret", null));
      }
      case REPLICA -> backend = replicaOf.backendConfig();
      case EMBEDDED -> { }
    }
    dataDir = fixedDataDir != null ? fixedDataDir : Files.createTempDirectory("tokengate-test-");
    Files.createDirectories(dataDir);
    config = writeConfig(backend);
    server = ProxyServer.start(config, clock);
  }

  private ProxyConfig writeConfig(BackendConfig backend) throws IOException {
    ObjectNode root = fragment.deepCopy();
    root.put("listen", "127.0.0.1:0");
    root.put("dataDir", dataDir.toString());
    if (backend != null) {
      ObjectNode b = root.putObject("backend");
      b.put("endpoint", backend.endpoint());
      b.put("accessKey", backend.accessKey());
      b.put("secretKey", backend.secretKey());
      b.put("region", backend.region());
    }
    if (shadowMode != null) {
      root.put("shadowMode", shadowMode);
    }
    if (acceptSigV2 != null) {
      root.put("acceptSigV2", acceptSigV2);
    }
    if (virtualHostDomains != null) {
      virtualHostDomains.forEach(root.putArray("virtualHostDomains")::add);
    }
    Path file = dataDir.resolve("tokengate.yaml");
    YAML.writeValue(file.toFile(), root);
    // Loaded as Main loads it, so the configuration is validated exactly as in production.
    return ProxyConfig.load(file);
  }

  private void stop() throws IOException {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      server = null;
      if (spy != null) {
        spy.close();
        spy = null;
      }
      if (shared != null) {
        shared.release();
        shared = null;
      }
      if (fixedDataDir == null && dataDir != null) {
        SharedBackend.deleteTree(dataDir);
      }
      dataDir = null;
    }
  }

  /**
   * Stops the proxy and starts it again on the same data dir, configuration and backend (whose
   * store is kept): for persistence tests (bucket policies, keyring rotation).
   */
  public void restart() throws IOException, InterruptedException {
    server().close();
    server = null;
    server = ProxyServer.start(config, clock);
  }

  public ProxyServer server() {
    if (server == null) {
      throw new IllegalStateException("the proxy is not running (is the extension registered with @RegisterExtension?)");
    }
    return server;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return server().endpoint();
  }

  public int port() {
    return server().port();
  }

  /** {@code https://127.0.0.1:<port>}, when the fragment has {@code tls: {listen: "127.0.0.1:0"}}. */
  public String httpsEndpoint() {
    return server().httpsEndpoint();
  }

  /** {@code http://127.0.0.1:<port>} of the admin listener, when the fragment has {@code admin: {...}}. */
  public String adminEndpoint() {
    return server().adminEndpoint();
  }

  /** {@code 127.0.0.1:<port>}, for clients that want host and port (s3cmd) or a Host header. */
  public String hostPort() {
    return endpoint().substring("http://".length());
  }

  public Clock clock() {
    return clock;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The bootstrap admin's keys (full access). */
  public Credentials admin() {
    return Credentials.of(server().admin().accessKeyId(), server().admin().secretAccessKey());
  }

  /** A client signing as {@code credentials} at this extension's clock. */
  public RawS3Client client(Credentials credentials) {
    return new RawS3Client(endpoint(), credentials, clock);
  }

  public RawS3Client client(String accessKeyId, String secretAccessKey) {
    return client(Credentials.of(accessKeyId, secretAccessKey));
  }

  public RawS3Client adminClient() {
    return client(admin());
  }

  /** An STS client for this proxy, signing at this extension's clock. */
  public StsClient sts() {
    return new StsClient(endpoint(), clock);
  }

  /** The backend the proxy forwards to, as configured (the spy's address when spying). */
  public BackendConfig backendConfig() {
    return server().backend();
  }

  /** The real store, read around the proxy and the spy; not available with a fake backend. */
  public BackendView backend() {
    return switch (kind) {
      case SHARED, SPY -> new BackendView(sharedBackend().config());
      case EMBEDDED, REPLICA -> new BackendView(server().backend());
      case FAKE -> throw new IllegalStateException("a fake backend has no store; use spy().requests()");
    };
  }

  private SharedBackend sharedBackend() {
    if (shared == null) {
      throw new IllegalStateException("the proxy is not running");
    }
    return shared;
  }

  /** The spy between proxy and backend; only with {@link #spyOnBackend()} or {@link #fakeBackend}. */
  public BackendSpy spy() {
    if (spy == null) {
      throw new IllegalStateException("no spy: register the extension with spyOnBackend() or fakeBackend(..)");
    }
    return spy;
  }
}
