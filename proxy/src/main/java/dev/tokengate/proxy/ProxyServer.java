package dev.tokengate.proxy;

import dev.tokengate.proxy.backend.BackendCircuit;
import dev.tokengate.proxy.backend.BackendPool;
import dev.tokengate.proxy.authz.acl.AclLookup;
import dev.tokengate.proxy.backend.BackendFetch;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import dev.tokengate.proxy.s3.post.PostObjectAuthenticator;
import dev.tokengate.proxy.backend.EmbeddedBackend;
import dev.tokengate.proxy.config.FederationConfig;
import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.identity.ConfiguredProviders;
import dev.tokengate.proxy.identity.AccessKeys;
import dev.tokengate.proxy.identity.BootstrapAdmin;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.config.StateConfig;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.EtcdStateStore;
import dev.tokengate.proxy.state.StateFreshness;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import dev.tokengate.proxy.revocation.RevocationList;
import dev.tokengate.proxy.token.SharedKeyring;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.tokengate.proxy.authz.AuthorizationMessages;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.cors.BucketCorsStore;
import dev.tokengate.proxy.tagging.BucketTaggingStore;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.audit.AuditTrail;
import dev.tokengate.proxy.audit.AuditedQueryApi;
import dev.tokengate.proxy.pipeline.GracefulDrain;
import dev.tokengate.proxy.pipeline.ProxyInitializer;
import dev.tokengate.proxy.iam.IamService;
import dev.tokengate.proxy.ldap.LdapDirectory;
import dev.tokengate.proxy.ldap.LdapRoleMappings;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.iam.PolicySimulation;
import dev.tokengate.proxy.pipeline.ProxyServices;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.proxy.pipeline.Service;
import java.util.Map;
import dev.tokengate.policy.PolicyDialect;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import dev.tokengate.proxy.sts.FileMfaCodeLedger;
import dev.tokengate.proxy.sts.StsService;
import dev.tokengate.proxy.webidentity.IdTokenVerifier;
import dev.tokengate.proxy.webidentity.IssuerKeys;
import dev.tokengate.proxy.sts.Totp;
import dev.tokengate.proxy.token.KeyringAead;
import dev.tokengate.proxy.token.SessionTokenSealer;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SigV2Verifier;
import dev.tokengate.sigv4.SignatureVerifier;
import dev.tokengate.sigv4.SigningKeyCache;
import dev.tokengate.proxy.admin.AdminInitializer;
import dev.tokengate.proxy.admin.ReadinessProbe;
import dev.tokengate.proxy.config.TlsConfig;
import dev.tokengate.proxy.metrics.MeteredQueryApi;
import dev.tokengate.proxy.metrics.ProxyMetrics;
import dev.tokengate.proxy.tls.CertificateFiles;
import dev.tokengate.proxy.tls.GeneratedCertificate;
import dev.tokengate.proxy.tls.ServerTlsContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collections;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A running tokengate: the listening socket, its event loops, the backend (embedded S3Proxy when
 * none is configured) and the services the pipeline shares.
 */
public final class ProxyServer implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProxyServer.class);
  /** How often the certificate files are checked for a change. */
  private static final int TLS_RELOAD_SECONDS = 2;
  /** The readiness probe's bound on the backend's answer. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);

  private final EventLoopGroup bosses = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup();
  private final EmbeddedBackend embedded;
  private final BackendConfig backend;
  private final BackendPool pool;
  private final BootstrapAdmin admin;
  private final IdentityStore identities;
  private final StateStore state;
  private final FileMfaCodeLedger mfaLedger;
  private final BucketPolicyStore bucketPolicies;
  private final BucketCorsStore bucketCors;
  private final BucketTaggingStore bucketTags;
  private final RevocationList revocations;
  private final SharedKeyring keyring;
  private final FederationProviders federation;
  private final ScheduledExecutorService pruner = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "revocation-pruner");
    t.setDaemon(true);
    return t;
  });
  /** Null when the listener is not configured. */
  private final Channel listener;
  private final Channel tlsListener;
  private final Channel adminListener;
  private final ServerTlsContext tls;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final AuditTrail audit;
  private final Clock clock;
  private volatile ConfigReloader reloader;
  private final ScheduledExecutorService tlsReloader = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tls-reload");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean serving;
  /** The client connections of both data listeners, drained on close. */
  private final GracefulDrain.Drain drain = new GracefulDrain.Drain();
  private final Duration shutdownGrace;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  /** AssumeRoleWithWebIdentity's providers and their issuers' keys (null until started). */
  private IssuerKeys issuerKeys;
  /** AssumeRoleWithLDAPIdentity's directory; null when the configuration has no {@code ldap:}. */
  private LdapDirectory ldap;

  private ProxyServer(ProxyConfig config, Clock clock) throws IOException, InterruptedException {
    // Absolute and normalised: S3Proxy refuses a base directory with "./" in it (InvalidRequest).
    Path dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
    SecureRandom random = new SecureRandom();
    this.shutdownGrace = Duration.ofSeconds(config.limits().shutdownGraceSeconds());
    this.clock = clock;
    // The file's identity providers are read first: a metadata file that cannot be used stops the start
    // before anything is opened.
    ConfiguredProviders configuredProviders = configuredProviders(config.federation(), clock);
    this.audit = config.audit() == null ? AuditTrail.off() : openAudit(config, clock);
    this.admin = BootstrapAdmin.loadOrCreate(dataDir, random);
    this.state = openState(config.state(), dataDir);
    // Policies are checked before anything starts, so a bad one fails fast with its message.
    this.identities = new IdentityStore(config, admin, state);
    this.revocations = openRevocations(state, clock);
    PermissionResolver permissions = new PermissionResolver(identities::policies);
    this.keyring = SharedKeyring.open(state, dataDir, random);
    KeyringAead aead = keyring.aead();
    SessionTokenSealer sealer = new SessionTokenSealer(aead);
    AuthorizationMessages messages = new AuthorizationMessages(aead);
    this.bucketPolicies = openBucketPolicies(state, dataDir, new BucketPolicyValidator(identities.accountId(),
        new BucketPolicyValidator.KnownPrincipals() {
          @Override
          public boolean hasUser(String name) {
            return identities.findUser(name).isPresent();
          }

          @Override
          public boolean hasRole(String name) {
            return identities.findRole(name).isPresent();
          }
        }));
    this.bucketCors = openBucketCors(state);
    this.bucketTags = openBucketTags(state);
    this.mfaLedger = FileMfaCodeLedger.open(dataDir);
    this.federation = openFederation(state, identities.accountId(), configuredProviders);
    RequestContextFactory contexts = new RequestContextFactory(clock, bucketTags::valuesByKey);
    VirtualHosts virtualHosts = new VirtualHosts(config.virtualHostDomains());
    EmbeddedBackend started = null;
    try {
      if (config.backend() == null) {
        started = EmbeddedBackend.start(dataDir, Duration.ofSeconds(60));
        this.backend = started.config();
      } else {
        this.backend = config.backend();
      }
      this.embedded = started;
      SigningKeyCache keys = new SigningKeyCache(4096);
      Set<String> regions = new LinkedHashSet<>();
      regions.add(config.region());
      regions.add("us-east-1");
      this.pool =
          new BackendPool(new InetSocketAddress(backend.uri().getHost(), portOf(backend)), config.backendTimeouts(),
              new BackendCircuit(config.backendCircuitBreaker().failures(), config.backendCircuitBreaker().open(),
                  System::nanoTime), metrics);
      CredentialResolver credentials = new CredentialResolver(identities, sealer, clock, revocations::check,
          new StateFreshness(state, config.state().staleAfter(), Clock.systemUTC())); // lastContact is real time
      // Store I/O stays off the event loops: expired revocations are pruned on a thread of their own.
      pruner.scheduleWithFixedDelay(revocations::prune, 1, 1, TimeUnit.MINUTES);
      // The backend checks our signature against its own clock: always sign with real time.
      BackendRequestFactory backendRequests = new BackendRequestFactory(backend, new RequestSigner(keys), Clock.systemUTC());
      Set<String> unmodifiableRegions = Collections.unmodifiableSet(regions);
      boolean insecureIssuers = config.federation().allowInsecureHttpIssuers();
      if (insecureIssuers) {
        LOG.warn("federation.allowInsecureHttpIssuers is on: OIDC issuers may be fetched over plain http");
      }
      this.issuerKeys = new IssuerKeys(clock, insecureIssuers);
      if (config.ldap() != null) {
        if (config.ldap().allowInsecurePlainLdap() && !config.ldap().ldaps() && !config.ldap().startTls()) {
          LOG.warn("ldap.allowInsecurePlainLdap is on: LDAP passwords cross the network in clear");
        }
        this.ldap = new LdapDirectory(config.ldap());
      }
      ProxyServices services =
              new ProxyServices(
                  credentials,
                  Map.of(
                      Service.STS,
                      new AuditedQueryApi(new MeteredQueryApi(new StsService(identities, permissions, contexts, sealer, messages,
                          new AccessKeys(random), new Totp(6), mfaLedger, clock, federation,
                          new IdTokenVerifier(issuerKeys, clock), ldap,
                          ldap == null ? null : new LdapRoleMappings(config.ldap().roleMappings())), "sts", metrics),
                          "sts", audit),
                      Service.IAM,
                      new AuditedQueryApi(new MeteredQueryApi(new IamService(identities, permissions, contexts,
                          new PolicySimulation(identities, permissions, bucketPolicies, contexts), random,
                          revocations, keyring, mfaLedger, clock, insecureIssuers, federation::configured),
                          "iam", metrics), "iam", audit)),
                  new SignatureVerifier(clock, keys),
                  config.acceptSigV2() ? new SigV2Verifier(clock) : null,
                  unmodifiableRegions,
                  permissions,
                  bucketPolicies,
                  bucketCors,
                  bucketTags,
                  identities.policyDialect() == PolicyDialect.RGW_TENANTLESS,
                  contexts,
                  messages,
                  virtualHosts,
                  config.shadowMode(),
                  pool,
                  backendRequests,
                  new PostObjectAuthenticator(credentials, config.acceptSigV2(), unmodifiableRegions, clock),
                  new AclLookup(new BackendFetch(pool), backendRequests, System::nanoTime),
                  metrics,
                  audit);
      this.tls = config.tls() == null ? null : openTls(config.tls(), dataDir, clock, random);
      this.listener = config.plainHttp()
          ? bind(new ProxyInitializer(services, config.limits(), null, drain), config.listenHost(), config.listenPort())
          : null;
      this.tlsListener = tls == null ? null
          : bind(new ProxyInitializer(services, config.limits(), tls, drain), config.tls().address().host(),
              config.tls().address().port());
      this.adminListener = config.admin() == null ? null
          : bind(new AdminInitializer(metrics,
              new ReadinessProbe(() -> serving, new BackendFetch(pool), backendRequests, READY_TIMEOUT),
              config.admin().bearerToken(System.getenv())),
              config.admin().address().host(), config.admin().address().port());
      if (config.admin() != null && !isLoopback(adminListener) && config.admin().bearerToken(System.getenv()) == null) {
        LOG.warn("the admin listener {} is not on loopback and has no bearer token: anyone reaching it reads the metrics",
            adminListener.localAddress());
      }
      this.serving = true;
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (started != null) {
        started.close();
      }
      tlsReloader.shutdownNow();
      shutdownLoops();
      metrics.close();
      audit.close();
      closeIssuerKeys();
      closeLdap();
      mfaLedger.close();
      federation.close();
      pruner.shutdownNow();
      revocations.close();
      keyring.close();
      bucketPolicies.close();
      bucketCors.close();
      bucketTags.close();
      throw e;
    }
  }

  public static ProxyServer start(ProxyConfig config, Clock clock) throws IOException, InterruptedException {
    return new ProxyServer(config, clock);
  }

  private static int portOf(BackendConfig backend) {
    int port = backend.uri().getPort();
    return port < 0 ? 80 : port;
  }

  /** A listener on the shared event loops; throws (BindException) when the address is taken. */
  private Channel bind(ChannelInitializer<SocketChannel> initializer, String host, int port)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(bosses, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer)
        .bind(host, port)
        .sync()
        .channel();
  }

  private ServerTlsContext openTls(TlsConfig config, Path dataDir, Clock clock, SecureRandom random) throws IOException {
    CertificateFiles files = config.fromFiles()
        ? new CertificateFiles(Path.of(config.certificateChain()), Path.of(config.privateKey()))
        : GeneratedCertificate.loadOrCreate(dataDir, config.hostNames(), clock, random);
    ServerTlsContext context = ServerTlsContext.open(files);
    // File reads stay off the event loops; a new connection takes whatever context is current.
    tlsReloader.scheduleWithFixedDelay(context::reloadIfChanged, TLS_RELOAD_SECONDS, TLS_RELOAD_SECONDS,
        TimeUnit.SECONDS);
    return context;
  }

  private static boolean isLoopback(Channel channel) {
    return ((InetSocketAddress) channel.localAddress()).getAddress().isLoopbackAddress();
  }

  private static String url(String scheme, Channel channel) {
    if (channel == null) {
      return null;
    }
    InetSocketAddress address = (InetSocketAddress) channel.localAddress();
    String host = address.getAddress().getHostAddress();
    return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The plain-HTTP port; -1 when plain HTTP is off. */
  public int port() {
    return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** {@code http://HOST:PORT}, or null when plain HTTP is off. */
  public String endpoint() {
    return url("http", listener);
  }

  /** {@code https://HOST:PORT}, or null without HTTPS. */
  public String httpsEndpoint() {
    return url("https", tlsListener);
  }

  /** {@code http://HOST:PORT} of the admin listener (metrics, health), or null without one. */
  public String adminEndpoint() {
    return url("http", adminListener);
  }

  /** The HTTPS listener's certificate, or null without HTTPS. */
  public ServerTlsContext tls() {
    return tls;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  public BootstrapAdmin admin() {
    return admin;
  }

  public IdentityStore identities() {
    return identities;
  }

  public BackendConfig backend() {
    return backend;
  }

  /** The embedded backend, or null when an external one is configured. */
  public EmbeddedBackend embeddedBackend() {
    return embedded;
  }

  /**
   * Stops gracefully: the listeners close (nothing new is accepted), requests in flight may finish
   * for up to {@code limits.shutdownGraceSeconds}, then every connection is cut and the rest
   * closes, the embedded backend last. A second call does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serving = false;
    if (reloader != null) {
      reloader.close();
    }
    for (Channel channel : new Channel[] {listener, tlsListener, adminListener}) {
      if (channel != null) {
        channel.close().syncUninterruptibly();
      }
    }
    drain.begin();
    try {
      if (!drain.await(shutdownGrace)) {
        LOG.warn("{} connection(s) still busy after the {} s shutdown grace: cut", drain.channels().size(),
            shutdownGrace.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain.channels().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    tlsReloader.shutdownNow();
    pool.close();
    shutdownLoops();
    closeIssuerKeys();
    closeLdap();
    mfaLedger.close();
    federation.close();
    pruner.shutdownNow();
    revocations.close();
    keyring.close();
    bucketPolicies.close();
    bucketCors.close();
    bucketTags.close();
    identities.keyUsage().close();
    state.close();
    if (embedded != null) {
      embedded.close();
    }
    audit.close(); // after the drain: the last requests' records are in
    metrics.close();
  }

  /**
   * Reloads the file this server was started from when it changes: its users, roles, policies and
   * identity providers take effect for the next request; a file that does not load, or names a
   * policy or provider that cannot be used, changes nothing. Listeners, backend, state and limits
   * take a restart.
   */
  public void watchConfig(Path file, Duration every) throws IOException {
    reloader = new ConfigReloader(file, every, next -> {
      ConfiguredProviders providers = ConfiguredProviders.of(next.federation(), clock.instant());
      identities.reload(next);
      try {
        federation.reload(providers);
      } catch (StateException e) {
        throw new IllegalArgumentException("identity providers: " + e.getMessage(), e);
      }
    });
  }

  /** Reloads taken and changed files refused, for tests and logs. */
  public long[] reloads() {
    ConfigReloader r = reloader;
    return r == null ? new long[] {0, 0} : new long[] {r.applied(), r.refused()};
  }

  private static AuditTrail openAudit(ProxyConfig config, Clock clock) throws IOException {
    try {
      return AuditTrail.open(config.audit(), config.region(), clock);
    } catch (IOException e) {
      throw new IOException("cannot open the audit log audit.file " + config.audit().file() + ": " + e.getMessage(), e);
    }
  }

  private static ConfiguredProviders configuredProviders(FederationConfig config, Clock clock) throws IOException {
    try {
      return ConfiguredProviders.of(config, clock.instant());
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot use the configured identity providers: " + e.getMessage(), e);
    }
  }

  private static FederationProviders openFederation(StateStore state, String accountId,
      ConfiguredProviders configured) throws IOException {
    try {
      return new FederationProviders(state, accountId, configured);
    } catch (StateException | IllegalArgumentException e) {
      throw new IOException("cannot read the identity providers: " + e.getMessage(), e);
    }
  }

  private static RevocationList openRevocations(StateStore state, Clock clock) throws IOException {
    try {
      return new RevocationList(state, clock);
    } catch (StateException | IllegalArgumentException e) {
      throw new IOException("cannot read the session revocations: " + e.getMessage(), e);
    }
  }

  private static BucketTaggingStore openBucketTags(StateStore state) throws IOException {
    try {
      return new BucketTaggingStore(state);
    } catch (StateException e) {
      throw new IOException("cannot read the bucket tag sets: " + e.getMessage(), e);
    }
  }

  private static BucketCorsStore openBucketCors(StateStore state) throws IOException {
    try {
      return new BucketCorsStore(state);
    } catch (StateException e) {
      throw new IOException("cannot read the bucket CORS configurations: " + e.getMessage(), e);
    }
  }

  private static BucketPolicyStore openBucketPolicies(StateStore state, Path dataDir, BucketPolicyValidator validator)
      throws IOException {
    try {
      return new BucketPolicyStore(state, dataDir, validator);
    } catch (StateException e) {
      throw new IOException("cannot read the bucket policies: " + e.getMessage(), e);
    }
  }

  /** The configured state store; one that cannot be opened (a corrupt file, etcd unreachable) stops the start. */
  private static StateStore openState(StateConfig config, Path dataDir) throws IOException {
    try {
      return config.etcd()
          ? EtcdStateStore.open(config.endpoints(), config.prefix(), config.timeout())
          : EmbeddedStateStore.open(dataDir);
    } catch (StateException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private void closeLdap() {
    if (ldap != null) {
      ldap.close();
    }
  }

  private void closeIssuerKeys() {
    if (issuerKeys != null) {
      issuerKeys.close();
    }
  }

  private void shutdownLoops() {
    bosses.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
