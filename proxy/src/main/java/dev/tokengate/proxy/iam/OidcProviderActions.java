package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.ConfiguredProviders;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredOidcProvider;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * IAM OpenID Connect providers: an issuer URL (its identity, one provider per URL), the client
 * ids (audiences) its tokens may carry and the thumbprints of its servers' certificates. Read and
 * written in the store directly, so a call sees the previous one's change at once.
 */
final class OidcProviderActions {
  /** IAM's quotas. */
  static final int PROVIDERS = 100;
  static final int CLIENT_IDS = 100;
  static final int THUMBPRINTS = 5;
  static final int URL_CHARS = 255;
  static final int CLIENT_ID_CHARS = 255;
  private static final String HTTPS = "https://";
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{40}");
  private static final String TAG_QUOTA = "TagsPerOpenIdConnectProvider";

  private final IamState state;
  /** The configuration's {@code federation.allowInsecureHttpIssuers}: http:// URLs, with a port. */
  private final boolean allowInsecureHttp;

  /** The configuration file's providers: listed and read, never changed here. */
  private final Supplier<ConfiguredProviders> configuredNow;

  OidcProviderActions(IamState state, boolean allowInsecureHttp, Supplier<ConfiguredProviders> configured) {
    this.state = state;
    this.allowInsecureHttp = allowInsecureHttp;
    this.configuredNow = configured;
  }

  Map<String, Object> createOpenIDConnectProvider(IamCall call) throws StsException {
    String url = url(call.required("Url"), allowInsecureHttp);
    String hostAndPath = FederationProviders.hostAndPath(url);
    String arn = FederationProviders.oidcArn(call.accountId(), hostAndPath);
    call.authorize(arn);
    List<String> clientIds = clientIds(call.request().list("ClientIDList"));
    List<String> thumbprints = thumbprints(call.request().list("ThumbprintList"));
    Map<String, String> tags = ProviderTags.of(call);
    if (configuredNow.get().oidc(hostAndPath).isPresent()) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "Provider with url " + url + " already exists.");
    }
    if (state.list(StoredIdentities.OIDC_PROVIDERS, StoredOidcProvider.class).size() >= PROVIDERS) {
      throw new StsException(StsError.LIMIT_EXCEEDED,
          "Cannot exceed quota for OpenIdConnectProvidersPerAccount: " + PROVIDERS);
    }
    StoredOidcProvider p = new StoredOidcProvider(url, clientIds, thumbprints, IamDocuments.now(), tags);
    if (!state.create(StoredIdentities.oidcProviderKey(hostAndPath), p)) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "Provider with url " + url + " already exists.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("OpenIDConnectProviderArn", arn);
    m.put("Tags", ProviderTags.render(tags));
    return m;
  }

  Map<String, Object> getOpenIDConnectProvider(IamCall call) throws StsException {
    StoredOidcProvider p = provider(call);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Url", FederationProviders.hostAndPath(p.url())); // AWS answers without the scheme
    m.put("ClientIDList", p.clientIds());
    m.put("ThumbprintList", p.thumbprints());
    m.put("CreateDate", p.createDate());
    m.put("Tags", ProviderTags.render(p.tags()));
    return m;
  }

  Map<String, Object> listOpenIDConnectProviders(IamCall call) throws StsException {
    call.authorize("*"); // the action has no resource type: AWS evaluates it on "*"
    List<Map<String, Object>> arns = new ArrayList<>();
    for (StoredOidcProvider p : configuredNow.get().oidc()) {
      arns.add(Map.of("Arn", FederationProviders.oidcArn(call.accountId(), FederationProviders.hostAndPath(p.url()))));
    }
    for (StoredOidcProvider p : state.list(StoredIdentities.OIDC_PROVIDERS, StoredOidcProvider.class)) {
      String hostAndPath = FederationProviders.hostAndPath(p.url());
      if (configuredNow.get().oidc(hostAndPath).isEmpty()) { // shadowed by the file's
        arns.add(Map.of("Arn", FederationProviders.oidcArn(call.accountId(), hostAndPath)));
      }
    }
    return Map.of("OpenIDConnectProviderList", arns);
  }

  Map<String, Object> deleteOpenIDConnectProvider(IamCall call) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    String key = key(call, arn);
    unmodifiable(call, arn);
    if (!state.delete(key)) {
      throw notFound(arn);
    }
    return Map.of();
  }

  Map<String, Object> addClientIDToOpenIDConnectProvider(IamCall call) throws StsException {
    String clientId = clientIds(List.of(call.required("ClientID"))).get(0);
    update(call, p -> {
      List<String> ids = new ArrayList<>(p.clientIds());
      if (!ids.contains(clientId)) { // adding one it has is no error, as on AWS
        if (ids.size() >= CLIENT_IDS) {
          throw clientIdQuota();
        }
        ids.add(clientId);
      }
      return new StoredOidcProvider(p.url(), ids, p.thumbprints(), p.createDate(), p.tags());
    });
    return Map.of();
  }

  Map<String, Object> removeClientIDFromOpenIDConnectProvider(IamCall call) throws StsException {
    String clientId = call.required("ClientID");
    update(call, p -> {
      List<String> ids = new ArrayList<>(p.clientIds());
      ids.remove(clientId); // idempotent, as on AWS
      return new StoredOidcProvider(p.url(), ids, p.thumbprints(), p.createDate(), p.tags());
    });
    return Map.of();
  }

  Map<String, Object> updateOpenIDConnectProviderThumbprint(IamCall call) throws StsException {
    List<String> given = call.request().list("ThumbprintList");
    if (given.isEmpty()) {
      call.required("ThumbprintList");
    }
    List<String> thumbprints = thumbprints(given);
    update(call, p -> new StoredOidcProvider(p.url(), p.clientIds(), thumbprints, p.createDate(), p.tags()));
    return Map.of();
  }

  Map<String, Object> tagOpenIDConnectProvider(IamCall call) throws StsException {
    Map<String, String> added = ProviderTags.of(call);
    if (added.isEmpty()) {
      call.required("Tags");
    }
    update(call, p -> new StoredOidcProvider(p.url(), p.clientIds(), p.thumbprints(), p.createDate(),
        ProviderTags.added(p.tags(), added, TAG_QUOTA)));
    return Map.of();
  }

  Map<String, Object> untagOpenIDConnectProvider(IamCall call) throws StsException {
    List<String> keys = ProviderTags.keys(call);
    update(call, p -> new StoredOidcProvider(p.url(), p.clientIds(), p.thumbprints(), p.createDate(),
        ProviderTags.removed(p.tags(), keys)));
    return Map.of();
  }

  Map<String, Object> listOpenIDConnectProviderTags(IamCall call) throws StsException {
    return ProviderTags.page(call, provider(call).tags());
  }

  /**
   * An issuer URL as IAM accepts it: {@code https://}, a host, an optional path; no port, query,
   * fragment or user info. Kept as given (AWS does not normalize: a trailing slash or another case
   * is another provider).
   */
  static String url(String url) throws StsException {
    return url(url, false);
  }

  /** With {@code allowInsecureHttp}, also {@code http://} and a port (a test issuer, s3-tests' Keycloak). */
  static String url(String url, boolean allowInsecureHttp) throws StsException {
    if (url.length() > URL_CHARS) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + url
          + "' at 'url' failed to satisfy constraint: Member must have length less than or equal to " + URL_CHARS);
    }
    boolean insecure = allowInsecureHttp && url.startsWith("http://");
    if (!url.startsWith(HTTPS) && !insecure) {
      throw new StsException(StsError.INVALID_INPUT,
          "Invalid Open ID Connect Provider URL. The URL must begin with https://.");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalidUrl();
    }
    if (uri.getHost() == null || (uri.getPort() != -1 && !allowInsecureHttp) || uri.getRawQuery() != null || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null || url.indexOf('?') >= 0 || url.indexOf('#') >= 0) {
      throw invalidUrl();
    }
    return url;
  }

  private static StsException invalidUrl() {
    return new StsException(StsError.INVALID_INPUT, "Invalid Open ID Connect Provider URL.");
  }

  /** Server certificate thumbprints: hex SHA-1 (40 characters), at most five; repeats dropped. */
  static List<String> thumbprints(List<String> given) throws StsException {
    for (String t : given) {
      if (t.length() != 40) {
        throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + given
            + "' at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have"
            + " length less than or equal to 40, Member must have length greater than or equal to 40]");
      }
      if (!HEX.matcher(t).matches()) {
        throw new StsException(StsError.INVALID_INPUT,
            "Thumbprint " + t + " is invalid: a thumbprint is the hex-encoded SHA-1 of a certificate.");
      }
    }
    List<String> unique = List.copyOf(new LinkedHashSet<>(given));
    if (unique.size() > THUMBPRINTS) {
      throw new StsException(StsError.INVALID_INPUT, "Thumbprint list must contain fewer than 5 entries.");
    }
    return unique;
  }

  /** Client ids (audiences): 1–255 characters each, at most 100; repeats dropped. */
  static List<String> clientIds(List<String> given) throws StsException {
    for (String id : given) {
      if (id.isEmpty() || id.length() > CLIENT_ID_CHARS) {
        throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + id
            + "' at 'clientID' failed to satisfy constraint: Member must have length "
            + (id.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + CLIENT_ID_CHARS));
      }
    }
    List<String> unique = List.copyOf(new LinkedHashSet<>(given));
    if (unique.size() > CLIENT_IDS) {
      throw clientIdQuota();
    }
    return unique;
  }

  private static StsException clientIdQuota() {
    return new StsException(StsError.LIMIT_EXCEEDED,
        "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: " + CLIENT_IDS);
  }

  /** The provider the call's ARN names, after the permission check. */
  private StoredOidcProvider provider(IamCall call) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    String key = key(call, arn);
    Optional<StoredOidcProvider> fromFile = configuredNow.get().oidc(hostAndPath(call, arn));
    return fromFile.isPresent() ? fromFile.get()
        : state.read(key, StoredOidcProvider.class).orElseThrow(() -> notFound(arn));
  }

  /** The file's providers change with the file only. */
  private void unmodifiable(IamCall call, String arn) throws StsException {
    if (configuredNow.get().oidc(hostAndPath(call, arn)).isPresent()) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The OpenIDConnect provider " + arn
          + " is defined in the configuration file; change it there.");
    }
  }

  private void update(IamCall call, IamState.Change<StoredOidcProvider> change) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    String key = key(call, arn);
    unmodifiable(call, arn);
    try {
      state.update(key, StoredOidcProvider.class, change);
    } catch (StsException e) {
      throw e.error() == StsError.NO_SUCH_ENTITY ? notFound(arn) : e;
    }
  }

  /** {@code OpenIDConnectProviderArn}: IAM's length limits (20–2048). */
  private static String arn(IamCall call) throws StsException {
    return ProviderArns.checked(call, "OpenIDConnectProviderArn");
  }

  /** The store key of the ARN's provider; an ARN of another account or kind names none here. */
  private static String key(IamCall call, String arn) throws StsException {
    return StoredIdentities.oidcProviderKey(hostAndPath(call, arn));
  }

  /** The issuer ({@code HOST[/PATH]}) an ARN of this account names. */
  private static String hostAndPath(IamCall call, String arn) throws StsException {
    String prefix = FederationProviders.oidcArn(call.accountId(), "");
    if (!arn.startsWith(prefix) || arn.length() == prefix.length()) {
      throw notFound(arn);
    }
    return arn.substring(prefix.length());
  }

  private static StsException notFound(String arn) {
    return new StsException(StsError.NO_SUCH_ENTITY, "OpenIDConnect Provider not found for arn " + arn);
  }
}
