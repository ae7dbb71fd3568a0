package dev.tokengate.benchmarks.identity;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.identity.BootstrapAdmin;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.ResolvedCredential;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.revocation.Revocation;
import dev.tokengate.proxy.revocation.RevocationList;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateFreshness;
import dev.tokengate.proxy.state.StateStore;
import dev.tokengate.proxy.token.Keyring;
import dev.tokengate.proxy.token.SessionTokenSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What issue 12's checks add to credential resolution on the request path, same run:
 * <ul>
 *   <li>{@code sessionBaseline}: a session token resolved with no revocation list, no freshness
 *       check and no source key (the path before them);
 *   <li>{@code sessionWithChecks}: the same session (plus its source key, looked up), with 1 000
 *       revocations in force (none covering it: the common case), and the store-freshness check;
 *   <li>{@code configuredKey} / {@code storedKey}: a long-term key from the YAML file against one
 *       created through the IAM API (kept in the state store, looked up in the in-memory view).
 * </ul>
 * Added cost = {@code sessionWithChecks − sessionBaseline} and {@code storedKey − configuredKey};
 * the target is ≤ 1 µs each.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar RequestPathChecksBenchmark -f 2 -wi 5 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestPathChecksBenchmark {
  private static final String CONFIGURED_KEY = "AKIACONFIGUREDKEY001";
  private static final String STORED_KEY = "AKIASTOREDKEY0000001";

  private Path dir;
  private EmbeddedStateStore store;
  private RevocationList revocations;
  private CredentialResolver baseline;
  private CredentialResolver checked;
  private String baselineToken;
  private String checkedToken;
  private String sessionKey;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("tokengate-bench-");
    store = EmbeddedStateStore.open(dir);
    store.put(StoredIdentities.USERS + "api-user", StoredIdentities.write(new StoredIdentities.StoredUser(
        "api-user", "/", "AIDAAPIUSER000000001", "2026-12-03T00:00:00Z", Map.of(),
        List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), null, Map.of())), StateStore.ABSENT);
    store.put(StoredIdentities.ACCESS_KEYS + STORED_KEY, StoredIdentities.write(new StoredIdentities.StoredKey(
        STORED_KEY, "stored-secret-stored-secret-stored-0001", "api-user", "Active", "2026-12-03T00:00:00Z")),
        StateStore.ABSENT);
    Instant now = Instant.now();
    for (int i = 0; i < 1000; i++) {
      Revocation.Kind kind = Revocation.Kind.values()[i % 4];
      Revocation r = Revocation.of("RVK" + i, kind, kind == Revocation.Kind.SESSION ? "ASIAOTHER" + i : "other" + i, now);
      store.put(r.key(), StoredIdentities.write(r), StateStore.ABSENT);
    }
    ProxyConfig config = ProxyConfig.load(writeConfig());
    IdentityStore identities = new IdentityStore(config, new BootstrapAdmin("admin", "AKIAADMIN00000000001",
        "admin-secret-admin-secret-admin-secret-0"), store);
    revocations = new RevocationList(store, Clock.systemUTC());
    SecureRandom random = new SecureRandom();
    SessionTokenSealer sealer = new SessionTokenSealer(Keyring.generate(random), random);
    sessionKey = "ASIABENCHSESSION0001";
    Session plain = session(null, now);
    Session keyed = session(STORED_KEY, now);
    baselineToken = sealer.seal(plain);
    checkedToken = sealer.seal(keyed);
    baseline = new CredentialResolver(identities, sealer, Clock.systemUTC());
    StateFreshness freshness = new StateFreshness(new Contacted(store), Duration.ofSeconds(60), Clock.systemUTC());
    checked = new CredentialResolver(identities, sealer, Clock.systemUTC(), revocations::check, freshness);
    if (revocations.current().size() != 1000) {
      throw new IllegalStateException("expected 1000 revocations, got " + revocations.current().size());
    }
    // Every variant must resolve; a benchmark of an error path would measure the wrong thing.
    sessionBaseline();
    sessionWithChecks();
    configuredKey();
    storedKey();
  }

  private Session session(String sourceKey, Instant now) {
    return new Session(sessionKey, "session-secret-session-secret-000000001", "GetSessionToken",
        PrincipalType.USER, "123456789012", "api-user", null, now.minusSeconds(60), now.plusSeconds(3600), null,
        List.of(), Map.of(), List.of(), null, null, false, sourceKey);
  }

  private Path writeConfig() throws Exception {
    Path file = dir.resolve("tokengate.yaml");
    Files.writeString(file, """
        users:
          - name: configured
            accessKeys: [{id: %s, secret: configured-secret-configured-secret-01}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        """.formatted(CONFIGURED_KEY));
    return file;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    revocations.close();
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public ResolvedCredential sessionBaseline() throws S3Exception {
    return baseline.resolve(sessionKey, baselineToken);
  }

  @Benchmark
  public ResolvedCredential sessionWithChecks() throws S3Exception {
    return checked.resolve(sessionKey, checkedToken);
  }

  @Benchmark
  public ResolvedCredential configuredKey() throws S3Exception {
    return checked.resolve(CONFIGURED_KEY, null);
  }

  @Benchmark
  public ResolvedCredential storedKey() throws S3Exception {
    return checked.resolve(STORED_KEY, null);
  }

  /** The store as etcd would be: in contact (just now), so the freshness check takes its full path. */
  private static final class Contacted implements StateStore {
    private final StateStore delegate;

    Contacted(StateStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Instant> lastContact() {
      return Optional.of(Instant.now());
    }

    @Override
    public Optional<Entry> get(String key) throws dev.tokengate.proxy.state.StateException {
      return delegate.get(key);
    }

    @Override
    public List<Entry> list(String prefix) throws dev.tokengate.proxy.state.StateException {
      return delegate.list(prefix);
    }

    @Override
    public long put(String key, byte[] value, long expectedRevision) throws dev.tokengate.proxy.state.StateException {
      return delegate.put(key, value, expectedRevision);
    }

    @Override
    public void delete(String key, long expectedRevision) throws dev.tokengate.proxy.state.StateException {
      delegate.delete(key, expectedRevision);
    }

    @Override
    public AutoCloseable watch(String prefix, java.util.function.Consumer<Change> listener)
        throws dev.tokengate.proxy.state.StateException {
      return delegate.watch(prefix, listener);
    }

    @Override
    public void close() {}
  }
}
