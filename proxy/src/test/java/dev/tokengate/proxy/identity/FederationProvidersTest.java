package dev.tokengate.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.SamlIdpMetadata;
import dev.tokengate.proxy.identity.FederationProviders.OidcProvider;
import dev.tokengate.proxy.identity.FederationProviders.SamlProvider;
import dev.tokengate.proxy.identity.StoredIdentities.StoredOidcProvider;
import dev.tokengate.proxy.identity.StoredIdentities.StoredSamlProvider;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederationProvidersTest {
  private static final String ACCOUNT = "123456789012";
  private static final String TP = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  private static StoredOidcProvider oidc(String url, String... clientIds) {
    return new StoredOidcProvider(url, List.of(clientIds), List.of(TP), "2024-01-02T03:04:05Z", Map.of());
  }

  @Test
  void anInsecureHttpProviderIsFoundByItsOwnSchemeOnly() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put(StoredIdentities.oidcProviderKey("127.0.0.1:8080/realms/demo"),
          StoredIdentities.write(oidc("http://127.0.0.1:8080/realms/demo", "app")), StateStore.ABSENT);
      try (FederationProviders providers = new FederationProviders(store, ACCOUNT)) {
        OidcProvider p = providers.findOidcByIssuer("http://127.0.0.1:8080/realms/demo").orElseThrow();
        assertEquals("arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8080/realms/demo", p.arn());
        assertEquals(p, providers.findOidcByIssuer("127.0.0.1:8080/realms/demo").orElseThrow());
        assertTrue(providers.findOidcByIssuer("https://127.0.0.1:8080/realms/demo").isEmpty());
      }
    }
  }

  @Test
  void findsOidcProvidersByTheirIssuerWithOrWithoutTheScheme() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put(StoredIdentities.oidcProviderKey("issuer.test/realms/a"),
          StoredIdentities.write(oidc("https://issuer.test/realms/a", "app")), StateStore.ABSENT);
      store.put(StoredIdentities.oidcProviderKey("issuer.test"),
          StoredIdentities.write(oidc("https://issuer.test", "other")), StateStore.ABSENT);
      try (FederationProviders providers = new FederationProviders(store, ACCOUNT)) {
        OidcProvider a = providers.findOidcByIssuer("https://issuer.test/realms/a").orElseThrow();
        assertEquals("arn:aws:iam::123456789012:oidc-provider/issuer.test/realms/a", a.arn());
        assertEquals("https://issuer.test/realms/a", a.url());
        assertEquals(List.of("app"), a.clientIds());
        assertEquals(List.of(TP), a.thumbprints());
        assertEquals(a, providers.findOidcByIssuer("issuer.test/realms/a").orElseThrow());
        assertEquals(List.of("other"), providers.findOidcByIssuer("https://issuer.test").orElseThrow().clientIds());
        // Exact, as on AWS: another path, a trailing slash or another scheme is another issuer.
        assertTrue(providers.findOidcByIssuer("https://issuer.test/realms/b").isEmpty());
        assertTrue(providers.findOidcByIssuer("https://issuer.test/realms/a/").isEmpty());
        assertTrue(providers.findOidcByIssuer("http://issuer.test").isEmpty());
        assertTrue(providers.findOidcByIssuer(null).isEmpty());
      }
    }
  }

  @Test
  void followsTheStoreAndKeepsTheLastGoodViewWhenADocumentIsBad() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir);
        FederationProviders providers = new FederationProviders(store, ACCOUNT)) {
      assertTrue(providers.findOidcByIssuer("https://late.test").isEmpty());
      String key = StoredIdentities.oidcProviderKey("late.test");
      long r = store.put(key, StoredIdentities.write(oidc("https://late.test", "one")), StateStore.ABSENT);
      assertEquals(List.of("one"), providers.findOidcByIssuer("https://late.test").orElseThrow().clientIds());

      store.put(StoredIdentities.SAML_PROVIDERS + "broken", "{\"name\":\"broken\",\"surprise\":1}"
          .getBytes(StandardCharsets.UTF_8), StateStore.ABSENT);
      r = store.put(key, StoredIdentities.write(oidc("https://late.test", "two")), r);
      assertEquals(List.of("one"), providers.findOidcByIssuer("https://late.test").orElseThrow().clientIds(),
          "a document with unknown fields is refused, and with it the new view");
      store.delete(StoredIdentities.SAML_PROVIDERS + "broken", store.get(StoredIdentities.SAML_PROVIDERS + "broken")
          .orElseThrow().revision());
      assertEquals(List.of("two"), providers.findOidcByIssuer("https://late.test").orElseThrow().clientIds());

      store.delete(key, r);
      assertTrue(providers.findOidcByIssuer("https://late.test").isEmpty());
    }
  }

  @Test
  void findsSamlProvidersByArnWithTheirMetadataReadOnce() throws Exception {
    String document = SamlIdpMetadata.document("https://idp.tokengate.test/saml");
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put(StoredIdentities.SAML_PROVIDERS + "Corp", StoredIdentities.write(new StoredSamlProvider("Corp",
          document, "2024-01-02T03:04:05Z", "2124-01-02T03:04:05Z", Map.of())), StateStore.ABSENT);
      try (FederationProviders providers = new FederationProviders(store, ACCOUNT)) {
        SamlProvider p = providers.findSamlByArn("arn:aws:iam::123456789012:saml-provider/Corp").orElseThrow();
        assertEquals("Corp", p.name());
        assertEquals(document, p.metadataDocument());
        assertEquals("https://idp.tokengate.test/saml", p.entityId());
        assertEquals(1, p.signingCertificates().size());
        assertEquals("2124-01-02T03:04:05Z", p.validUntil());
        assertTrue(providers.findSamlByArn("arn:aws:iam::123456789012:saml-provider/corp").isEmpty());
        assertTrue(providers.findSamlByArn("arn:aws:iam::999999999999:saml-provider/Corp").isEmpty());
        assertTrue(providers.findSamlByArn(null).isEmpty());
      }
    }
  }

  @Test
  void aStoredDocumentThatCannotBeReadFailsTheStart() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put(StoredIdentities.SAML_PROVIDERS + "Bad", StoredIdentities.write(new StoredSamlProvider("Bad",
          "<md:EntityDescriptor/>", "2024-01-02T03:04:05Z", "2124-01-02T03:04:05Z", Map.of())), StateStore.ABSENT);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new FederationProviders(store, ACCOUNT));
      assertTrue(e.getMessage().contains("Bad"), e.getMessage());
    }
  }
}
