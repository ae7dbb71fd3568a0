package dev.tokengate.proxy.identity;

import dev.tokengate.proxy.identity.StoredIdentities.StoredOidcProvider;
import dev.tokengate.proxy.identity.StoredIdentities.StoredSamlProvider;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import dev.tokengate.proxy.sts.StsException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OIDC and SAML identity providers created through the IAM API or declared in the
 * configuration file ({@link ConfiguredProviders}), as AssumeRoleWithWebIdentity and
 * AssumeRoleWithSAML look them up: an in-memory view, rebuilt on every change the store's
 * watch reports, so the request path never waits on the store. Kept apart from {@link
 * IdentityStore}: providers are no identities, and only federation reads them.
 */
public final class FederationProviders implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FederationProviders.class);
  private static final String HTTPS = "https://";
  private static final String HTTP = "http://";

  /**
   * An OIDC provider.
   *
   * @param url the issuer, {@code https://HOST[/PATH]} as created
   * @param thumbprints hex SHA-1 thumbprints as given (compare them ignoring case)
   */
  public record OidcProvider(String arn, String url, List<String> clientIds, List<String> thumbprints,
      String createDate) {}

  /** A SAML provider, with what its metadata says (read when the view is built, not per request). */
  public record SamlProvider(String arn, String name, String metadataDocument, String entityId,
      List<X509Certificate> signingCertificates, String createDate, String validUntil) {}

  private record View(Map<String, OidcProvider> oidcByHostAndPath, Map<String, SamlProvider> samlByArn) {}

  private final StateStore state;
  private final String accountId;
  private volatile ConfiguredProviders configured;
  private final List<AutoCloseable> watches = new ArrayList<>();
  private volatile View view;

  /**
   * @throws StateException when the store cannot be read at start
   * @throws IllegalArgumentException naming a stored provider that cannot be read
   */
  public FederationProviders(StateStore state, String accountId) throws StateException {
    this(state, accountId, ConfiguredProviders.none());
  }

  /**
   * @param configured the configuration file's providers: they shadow stored ones of the same URL or name
   * @throws StateException when the store cannot be read at start
   * @throws IllegalArgumentException naming a stored provider that cannot be read
   */
  public FederationProviders(StateStore state, String accountId, ConfiguredProviders configured)
      throws StateException {
    this.state = state;
    this.accountId = accountId;
    this.configured = configured;
    this.view = build();
    watches.add(state.watch(StoredIdentities.OIDC_PROVIDERS, change -> refresh()));
    watches.add(state.watch(StoredIdentities.SAML_PROVIDERS, change -> refresh()));
  }

  /**
   * The OIDC provider a token's {@code iss} names: {@code https://HOST[/PATH]}, or (as AWS also
   * accepts) the same without the scheme. The URL must match exactly, as on AWS.
   */
  public Optional<OidcProvider> findOidcByIssuer(String issuer) {
    if (issuer == null) {
      return Optional.empty();
    }
    String hostAndPath = hostAndPath(issuer);
    OidcProvider p = view.oidcByHostAndPath().get(hostAndPath);
    // The scheme too must be the provider's: an http issuer is not the https provider of that host.
    return Optional.ofNullable(p != null && (issuer.equals(p.url()) || issuer.equals(hostAndPath)) ? p : null);
  }

  /** The SAML provider of an ARN ({@code arn:aws:iam::ACCT:saml-provider/NAME}) of this account. */
  public Optional<SamlProvider> findSamlByArn(String arn) {
    return Optional.ofNullable(arn == null ? null : view.samlByArn().get(arn));
  }

  /** The configuration file's layer. */
  public ConfiguredProviders configured() {
    return configured;
  }

  /**
   * Takes the providers of a changed configuration file (the hot reload).
   *
   * @throws StateException when the store cannot be read; the providers in force stay
   */
  public synchronized void reload(ConfiguredProviders next) throws StateException {
    ConfiguredProviders previous = configured;
    configured = next;
    try {
      view = build();
    } catch (StateException | RuntimeException e) {
      configured = previous;
      throw e;
    }
  }

  /** A view that cannot be built leaves the last one in force. */
  private synchronized void refresh() {
    try {
      view = build();
    } catch (StateException | IllegalArgumentException e) {
      LOG.error("identity providers not updated, the last good view stays in force: {}", e.getMessage());
    }
  }

  private View build() throws StateException {
    Map<String, OidcProvider> oidc = new HashMap<>();
    for (StateStore.Entry e : state.list(StoredIdentities.OIDC_PROVIDERS)) {
      addOidc(oidc, StoredIdentities.read(e.value(), StoredOidcProvider.class, e.key()));
    }
    configured.oidc().forEach(p -> addOidc(oidc, p)); // the file's last: it shadows the store's
    Map<String, SamlProvider> saml = new HashMap<>();
    for (StateStore.Entry e : state.list(StoredIdentities.SAML_PROVIDERS)) {
      addSaml(saml, StoredIdentities.read(e.value(), StoredSamlProvider.class, e.key()), "stored");
    }
    configured.saml().forEach(p -> addSaml(saml, p, "configured"));
    return new View(Map.copyOf(oidc), Map.copyOf(saml));
  }

  private void addOidc(Map<String, OidcProvider> oidc, StoredOidcProvider p) {
    String hostAndPath = hostAndPath(p.url());
    oidc.put(hostAndPath, new OidcProvider(oidcArn(accountId, hostAndPath), p.url(), List.copyOf(p.clientIds()),
        List.copyOf(p.thumbprints()), p.createDate()));
  }

  private void addSaml(Map<String, SamlProvider> saml, StoredSamlProvider p, String layer) {
    SamlMetadata metadata;
    try {
      metadata = SamlMetadata.parse(p.metadataDocument());
    } catch (StsException bad) {
      throw new IllegalArgumentException(layer + " SAML provider " + p.name() + ": " + bad.getMessage(), bad);
    }
    String arn = samlArn(accountId, p.name());
    saml.put(arn, new SamlProvider(arn, p.name(), p.metadataDocument(), metadata.entityId(),
        metadata.signingCertificates(), p.createDate(), p.validUntil()));
  }

  /**
   * An issuer URL without its scheme, as ARNs and condition keys name it: {@code https://} or
   * (allowed only with the configuration's insecure option) {@code http://}.
   */
  public static String hostAndPath(String url) {
    if (url.startsWith(HTTPS)) {
      return url.substring(HTTPS.length());
    }
    return url.startsWith(HTTP) ? url.substring(HTTP.length()) : url;
  }

  /** {@code arn:aws:iam::ACCT:oidc-provider/HOST[/PATH]}. */
  public static String oidcArn(String accountId, String hostAndPath) {
    return "arn:aws:iam::" + accountId + ":oidc-provider/" + hostAndPath;
  }

  /** {@code arn:aws:iam::ACCT:saml-provider/NAME}. */
  public static String samlArn(String accountId, String name) {
    return "arn:aws:iam::" + accountId + ":saml-provider/" + name;
  }

  @Override
  public void close() {
    for (AutoCloseable w : watches) {
      try {
        w.close();
      } catch (Exception e) {
        LOG.warn("cannot stop watching identity providers: {}", e.getMessage());
      }
    }
  }
}
