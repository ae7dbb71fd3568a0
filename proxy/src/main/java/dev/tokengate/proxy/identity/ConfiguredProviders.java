package dev.tokengate.proxy.identity;

import dev.tokengate.proxy.config.FederationConfig;
import dev.tokengate.proxy.identity.StoredIdentities.StoredOidcProvider;
import dev.tokengate.proxy.identity.StoredIdentities.StoredSamlProvider;
import dev.tokengate.proxy.sts.StsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The identity providers the configuration file declares ({@code federation.oidcProviders},
 * {@code samlProviders}): a fixed layer beneath nothing. Federation trusts them as it trusts the
 * ones the IAM API created, the API lists and reads them but cannot change them, and a stored
 * provider with the same URL or name is shadowed. Held in the shapes the store uses, so both
 * layers read alike.
 */
public final class ConfiguredProviders {
  private static final ConfiguredProviders NONE = new ConfiguredProviders(Map.of(), Map.of());

  private final Map<String, StoredOidcProvider> oidcByHostAndPath;
  private final Map<String, StoredSamlProvider> samlByName;

  private ConfiguredProviders(Map<String, StoredOidcProvider> oidc, Map<String, StoredSamlProvider> saml) {
    this.oidcByHostAndPath = oidc;
    this.samlByName = saml;
  }

  public static ConfiguredProviders none() {
    return NONE;
  }

  /**
   * The file's providers, their SAML metadata read and checked now.
   *
   * @param loadedAt their CreateDate (they exist since the file was loaded)
   * @throws IllegalArgumentException naming the provider whose metadata cannot be read or used
   */
  public static ConfiguredProviders of(FederationConfig config, Instant loadedAt) {
    String created = loadedAt.truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, StoredOidcProvider> oidc = new LinkedHashMap<>();
    for (FederationConfig.OidcProvider p : config.oidcProviders()) {
      oidc.put(FederationProviders.hostAndPath(p.url()),
          new StoredOidcProvider(p.url(), p.clientIds(), p.thumbprints(), created, Map.of()));
    }
    Map<String, StoredSamlProvider> saml = new LinkedHashMap<>();
    for (int i = 0; i < config.samlProviders().size(); i++) {
      FederationConfig.SamlProvider p = config.samlProviders().get(i);
      String where = "federation.samlProviders[" + i + "] (" + p.name() + ")";
      String document;
      try {
        document = Files.readString(Path.of(p.metadataFile()), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(where + ": cannot read metadataFile " + p.metadataFile() + ": " + e, e);
      }
      SamlMetadata metadata;
      try {
        metadata = SamlMetadata.parse(document);
      } catch (StsException e) {
        throw new IllegalArgumentException(where + ": metadataFile " + p.metadataFile() + ": " + e.getMessage(), e);
      }
      saml.put(p.name(), new StoredSamlProvider(p.name(), document, created, metadata.validUntilAfter(created), Map.of()));
    }
    return new ConfiguredProviders(Collections.unmodifiableMap(oidc), Collections.unmodifiableMap(saml));
  }

  /** The file's OIDC provider of an issuer without its scheme ({@code HOST[/PATH]}). */
  public Optional<StoredOidcProvider> oidc(String hostAndPath) {
    return Optional.ofNullable(oidcByHostAndPath.get(hostAndPath));
  }

  public Collection<StoredOidcProvider> oidc() {
    return oidcByHostAndPath.values();
  }

  public Optional<StoredSamlProvider> saml(String name) {
    return Optional.ofNullable(samlByName.get(name));
  }

  public Collection<StoredSamlProvider> saml() {
    return samlByName.values();
  }
}
