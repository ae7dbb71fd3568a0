package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.ConfiguredProviders;
import dev.tokengate.proxy.identity.FederationProviders;
import dev.tokengate.proxy.identity.SamlMetadata;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredSamlProvider;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * IAM SAML providers: a name and the IdP's metadata document, checked to be SAML metadata with a
 * signing certificate ({@link SamlMetadata}) before it is stored as given.
 */
final class SamlProviderActions {
  /** IAM's quotas. */
  static final int PROVIDERS = 100;
  static final int METADATA_MIN_CHARS = 1000;
  static final int METADATA_MAX_CHARS = 10_000_000;
  private static final Pattern NAME = Pattern.compile("[\\w._-]{1,128}");
  private static final String TAG_QUOTA = "TagsPerSAMLProvider";

  private final IamState state;

  /** The configuration file's providers: listed and read, never changed here. */
  private final Supplier<ConfiguredProviders> configuredNow;

  SamlProviderActions(IamState state, Supplier<ConfiguredProviders> configured) {
    this.state = state;
    this.configuredNow = configured;
  }

  Map<String, Object> createSAMLProvider(IamCall call) throws StsException {
    String name = name(call.required("Name"));
    String arn = FederationProviders.samlArn(call.accountId(), name);
    String document = metadataDocument(call.required("SAMLMetadataDocument"));
    call.authorize(arn);
    SamlMetadata metadata = SamlMetadata.parse(document);
    Map<String, String> tags = ProviderTags.of(call);
    if (configuredNow.get().saml(name).isPresent()) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "SAMLProvider " + name + " already exists.");
    }
    if (state.list(StoredIdentities.SAML_PROVIDERS, StoredSamlProvider.class).size() >= PROVIDERS) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for SAMLProvidersPerAccount: " + PROVIDERS);
    }
    String created = IamDocuments.now();
    StoredSamlProvider p = new StoredSamlProvider(name, document, created, metadata.validUntilAfter(created), tags);
    if (!state.create(StoredIdentities.SAML_PROVIDERS + name, p)) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "SAMLProvider " + name + " already exists.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("SAMLProviderArn", arn);
    m.put("Tags", ProviderTags.render(tags));
    return m;
  }

  Map<String, Object> getSAMLProvider(IamCall call) throws StsException {
    StoredSamlProvider p = provider(call);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("SAMLMetadataDocument", p.metadataDocument());
    m.put("CreateDate", p.createDate());
    m.put("ValidUntil", p.validUntil());
    m.put("Tags", ProviderTags.render(p.tags()));
    return m;
  }

  Map<String, Object> listSAMLProviders(IamCall call) throws StsException {
    call.authorize("*"); // the action has no resource type: AWS evaluates it on "*"
    List<Map<String, Object>> entries = new ArrayList<>();
    List<StoredSamlProvider> all = new ArrayList<>(configuredNow.get().saml());
    for (StoredSamlProvider p : state.list(StoredIdentities.SAML_PROVIDERS, StoredSamlProvider.class)) {
      if (configuredNow.get().saml(p.name()).isEmpty()) { // shadowed by the file's
        all.add(p);
      }
    }
    for (StoredSamlProvider p : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Arn", FederationProviders.samlArn(call.accountId(), p.name()));
      m.put("ValidUntil", p.validUntil());
      m.put("CreateDate", p.createDate());
      entries.add(m);
    }
    return Map.of("SAMLProviderList", entries);
  }

  Map<String, Object> updateSAMLProvider(IamCall call) throws StsException {
    String arn = arn(call);
    String document = metadataDocument(call.required("SAMLMetadataDocument"));
    call.authorize(arn);
    SamlMetadata metadata = SamlMetadata.parse(document);
    update(arn, call, p -> new StoredSamlProvider(p.name(), document, p.createDate(),
        metadata.validUntilAfter(p.createDate()), p.tags()));
    return Map.of("SAMLProviderArn", arn);
  }

  Map<String, Object> deleteSAMLProvider(IamCall call) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    String key = key(call, arn);
    unmodifiable(call, arn);
    if (!state.delete(key)) {
      throw notFound(arn);
    }
    return Map.of();
  }

  Map<String, Object> tagSAMLProvider(IamCall call) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    Map<String, String> added = ProviderTags.of(call);
    if (added.isEmpty()) {
      call.required("Tags");
    }
    update(arn, call, p -> new StoredSamlProvider(p.name(), p.metadataDocument(), p.createDate(), p.validUntil(),
        ProviderTags.added(p.tags(), added, TAG_QUOTA)));
    return Map.of();
  }

  Map<String, Object> untagSAMLProvider(IamCall call) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    List<String> keys = ProviderTags.keys(call);
    update(arn, call, p -> new StoredSamlProvider(p.name(), p.metadataDocument(), p.createDate(), p.validUntil(),
        ProviderTags.removed(p.tags(), keys)));
    return Map.of();
  }

  Map<String, Object> listSAMLProviderTags(IamCall call) throws StsException {
    return ProviderTags.page(call, provider(call).tags());
  }

  /** A provider name: IAM's pattern {@code [\w._-]+}, 1–128 characters. */
  static String name(String name) throws StsException {
    if (name.length() > 128) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + name
          + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 128");
    }
    if (!NAME.matcher(name).matches()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + name
          + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+");
    }
    return name;
  }

  /** IAM's length limits on a metadata document (the document itself is not repeated back). */
  static String metadataDocument(String document) throws StsException {
    if (document.length() < METADATA_MIN_CHARS || document.length() > METADATA_MAX_CHARS) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value at 'sAMLMetadataDocument'"
          + " failed to satisfy constraint: Member must have length " + (document.length() < METADATA_MIN_CHARS
              ? "greater than or equal to " + METADATA_MIN_CHARS : "less than or equal to " + METADATA_MAX_CHARS));
    }
    return document;
  }

  /** The provider the call's ARN names, after the permission check. */
  private StoredSamlProvider provider(IamCall call) throws StsException {
    String arn = arn(call);
    call.authorize(arn);
    String key = key(call, arn);
    Optional<StoredSamlProvider> fromFile = configuredNow.get().saml(name(call, arn));
    return fromFile.isPresent() ? fromFile.get()
        : state.read(key, StoredSamlProvider.class).orElseThrow(() -> notFound(arn));
  }

  /** The file's providers change with the file only. */
  private void unmodifiable(IamCall call, String arn) throws StsException {
    if (configuredNow.get().saml(name(call, arn)).isPresent()) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The SAML provider " + arn
          + " is defined in the configuration file; change it there.");
    }
  }

  private void update(String arn, IamCall call, IamState.Change<StoredSamlProvider> change) throws StsException {
    String key = key(call, arn);
    unmodifiable(call, arn);
    try {
      state.update(key, StoredSamlProvider.class, change);
    } catch (StsException e) {
      throw e.error() == StsError.NO_SUCH_ENTITY ? notFound(arn) : e;
    }
  }

  private static String arn(IamCall call) throws StsException {
    return ProviderArns.checked(call, "SAMLProviderArn");
  }

  /** The store key of the ARN's provider; an ARN of another account, kind or name pattern names none here. */
  private static String key(IamCall call, String arn) throws StsException {
    return StoredIdentities.SAML_PROVIDERS + name(call, arn);
  }

  /** The provider name an ARN of this account names. */
  private static String name(IamCall call, String arn) throws StsException {
    String prefix = FederationProviders.samlArn(call.accountId(), "");
    if (!arn.startsWith(prefix) || !NAME.matcher(arn.substring(prefix.length())).matches()) {
      throw notFound(arn);
    }
    return arn.substring(prefix.length());
  }

  private static StsException notFound(String arn) {
    return new StsException(StsError.NO_SUCH_ENTITY, "Manifest not found for arn " + arn);
  }
}
