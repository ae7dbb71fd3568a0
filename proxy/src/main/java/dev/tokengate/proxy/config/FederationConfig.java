package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identity federation: the OIDC and SAML providers that AssumeRoleWithWebIdentity and
 * AssumeRoleWithSAML trust, besides those created with the IAM API.
 *
 * <pre>
 * federation:
 *   allowInsecureHttpIssuers: false   # true: OIDC providers may be http:// (and have a port);
 *                                     # tests and s3-tests' Keycloak only, never in production
 *   oidcProviders:                    # arn:aws:iam::ACCT:oidc-provider/HOST/PATH
 *     - url: https://token.actions.githubusercontent.com
 *       clientIds: [sts.amazonaws.com]
 *       thumbprints: [...]            # optional, 40 hex digits each (listed, not checked)
 *   samlProviders:                    # arn:aws:iam::ACCT:saml-provider/NAME
 *     - name: CorpIdP
 *       metadataFile: /etc/tokengate/corp-idp-metadata.xml
 * </pre>
 *
 * <p>Providers of the file are a layer the IAM API lists and reads but cannot change or delete
 * (UnmodifiableEntity), as the file's users and roles are; one the API created with the same URL
 * or name is shadowed by the file's. The environment variable {@code
 * TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS=true} turns the insecure option on too, for a test run
 * that cannot edit the file.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record FederationConfig(
    @JsonProperty("allowInsecureHttpIssuers") Boolean allowInsecureHttpIssuers,
    @JsonProperty("oidcProviders") List<OidcProvider> oidcProviders,
    @JsonProperty("samlProviders") List<SamlProvider> samlProviders) {
  static final String INSECURE_ENV = "TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS";
  /** IAM's limits, so that the file cannot declare what the API would refuse. */
  private static final int URL_CHARS = 255;
  private static final int CLIENT_IDS = 100;
  private static final int THUMBPRINTS = 5;
  private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
  private static final Pattern SAML_NAME = Pattern.compile("[\\w._-]{1,128}");

  /** An OIDC issuer: its URL is its identity, as on IAM. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record OidcProvider(
      @JsonProperty("url") String url,
      @JsonProperty("clientIds") List<String> clientIds,
      @JsonProperty("thumbprints") List<String> thumbprints) {
    public OidcProvider {
      clientIds = clientIds == null ? List.of() : List.copyOf(clientIds);
      thumbprints = thumbprints == null ? List.of() : List.copyOf(thumbprints);
    }
  }

  /** A SAML IdP: a name and the file of its metadata document (read, and checked, at start). */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record SamlProvider(
      @JsonProperty("name") String name,
      @JsonProperty("metadataFile") String metadataFile) {}

  public FederationConfig {
    allowInsecureHttpIssuers = (allowInsecureHttpIssuers != null && allowInsecureHttpIssuers)
        || "true".equalsIgnoreCase(System.getenv(INSECURE_ENV));
    oidcProviders = oidcProviders == null ? List.of() : List.copyOf(oidcProviders);
    samlProviders = samlProviders == null ? List.of() : List.copyOf(samlProviders);
  }

  public static FederationConfig defaults() {
    return new FederationConfig(null, null, null);
  }

  void problems(String where, List<String> problems) {
    Set<String> urls = new HashSet<>();
    for (int i = 0; i < oidcProviders.size(); i++) {
      String at = where + ".oidcProviders[" + i + "]";
      OidcProvider p = oidcProviders.get(i);
      if (p == null) {
        problems.add(at + " is empty");
        continue;
      }
      String urlProblem = urlProblem(p.url());
      if (urlProblem != null) {
        problems.add(at + ".url " + urlProblem);
      } else if (!urls.add(hostAndPath(p.url()))) {
        problems.add(at + ".url '" + p.url() + "' names the issuer of another provider");
      }
      if (p.clientIds().size() > CLIENT_IDS) {
        problems.add(at + ".clientIds has " + p.clientIds().size() + " entries, at most " + CLIENT_IDS);
      }
      for (String id : p.clientIds()) {
        if (id == null || id.isEmpty() || id.length() > 255) {
          problems.add(at + ".clientIds: each must have 1 to 255 characters, got '" + id + "'");
        }
      }
      if (p.thumbprints().size() > THUMBPRINTS) {
        problems.add(at + ".thumbprints has " + p.thumbprints().size() + " entries, at most " + THUMBPRINTS);
      }
      for (String t : p.thumbprints()) {
        if (t == null || !HEX40.matcher(t).matches()) {
          problems.add(at + ".thumbprints: each must be 40 hex digits (a SHA-1), got '" + t + "'");
        }
      }
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < samlProviders.size(); i++) {
      String at = where + ".samlProviders[" + i + "]";
      SamlProvider p = samlProviders.get(i);
      if (p == null) {
        problems.add(at + " is empty");
        continue;
      }
      if (p.name() == null || !SAML_NAME.matcher(p.name()).matches()) {
        problems.add(at + ".name must be 1 to 128 letters, digits, '_', '.' or '-', got '" + p.name() + "'");
      } else if (!names.add(p.name())) {
        problems.add(at + ".name '" + p.name() + "' is used by another provider");
      }
      if (p.metadataFile() == null || p.metadataFile().isBlank()) {
        problems.add(at + ".metadataFile is missing (the IdP's SAML metadata XML)");
      }
    }
  }

  /** Why a URL is no issuer IAM would accept, or null: https, a host, an optional path, nothing else. */
  private String urlProblem(String url) {
    if (url == null) {
      return "is missing";
    }
    if (url.length() > URL_CHARS) {
      return "has more than " + URL_CHARS + " characters";
    }
    boolean http = url.startsWith("http://");
    if (!url.startsWith("https://") && !(http && allowInsecureHttpIssuers)) {
      return "must begin with https:// (http:// only with allowInsecureHttpIssuers), got '" + url + "'";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is no URL: " + e.getReason();
    }
    if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null || url.indexOf('?') >= 0 || url.indexOf('#') >= 0) {
      return "must be scheme://host[/path], without query, fragment or user, got '" + url + "'";
    }
    if (uri.getPort() != -1 && !allowInsecureHttpIssuers) {
      return "must not name a port (only with allowInsecureHttpIssuers), got '" + url + "'";
    }
    return null;
  }

  private static String hostAndPath(String url) {
    return url.substring(url.indexOf("://") + 3);
  }
}
