package dev.tokengate.proxy.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.identity.SamlMetadata;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredOidcProvider;
import dev.tokengate.proxy.identity.StoredIdentities.StoredSamlProvider;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** IAM's rules for provider parameters, one by one, with the error AWS gives for each. */
class ProviderValidationTest {
  private static final String TP = "0123456789abcdef0123456789ABCDEF01234567";

  private static String fails(StsError error, Executable call) {
    StsException e = assertThrows(StsException.class, call);
    assertEquals(error, e.error(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void anIssuerUrlIsHttpsWithAHostAndAtMostAPath() throws Exception {
    assertEquals("https://issuer.test", OidcProviderActions.url("https://issuer.test"));
    assertEquals("https://issuer.test/realms/a/", OidcProviderActions.url("https://issuer.test/realms/a/"));
    assertTrue(fails(StsError.INVALID_INPUT, () -> OidcProviderActions.url("http://issuer.test"))
        .contains("must begin with https://"));
    for (String bad : List.of("https://", "https://issuer.test:8443", "https://issuer.test/?a=1", "https://issuer.test#f",
        "https://user@issuer.test", "https://issuer test", "https:///path")) {
      assertEquals("Invalid Open ID Connect Provider URL.",
          fails(StsError.INVALID_INPUT, () -> OidcProviderActions.url(bad)), bad);
    }
    String longest = "https://issuer.test/" + "a".repeat(235);
    assertEquals(longest, OidcProviderActions.url(longest));
    assertTrue(fails(StsError.VALIDATION_ERROR, () -> OidcProviderActions.url(longest + "a"))
        .contains("at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"));
  }

  @Test
  void plainHttpIssuersWithAPortNeedTheInsecureOption() throws Exception {
    assertEquals("http://127.0.0.1:8080/realms/demo", OidcProviderActions.url("http://127.0.0.1:8080/realms/demo", true));
    assertEquals("https://issuer.test:8443", OidcProviderActions.url("https://issuer.test:8443", true));
    assertTrue(fails(StsError.INVALID_INPUT, () -> OidcProviderActions.url("http://127.0.0.1:8080/realms/demo", false))
        .contains("must begin with https://"));
    assertTrue(fails(StsError.INVALID_INPUT, () -> OidcProviderActions.url("ftp://issuer.test", true))
        .contains("must begin with https://"));
    assertEquals("Invalid Open ID Connect Provider URL.",
        fails(StsError.INVALID_INPUT, () -> OidcProviderActions.url("http://issuer.test/?a=1", true)));
  }

  @Test
  void thumbprintsAreFortyHexCharactersAndAtMostFive() throws Exception {
    assertEquals(List.of(TP), OidcProviderActions.thumbprints(List.of(TP, TP)));
    assertEquals(List.of(), OidcProviderActions.thumbprints(List.of()));
    assertTrue(fails(StsError.VALIDATION_ERROR, () -> OidcProviderActions.thumbprints(List.of(TP.substring(1))))
        .contains("at 'thumbprintList'"));
    fails(StsError.VALIDATION_ERROR, () -> OidcProviderActions.thumbprints(List.of(TP + "0")));
    assertTrue(fails(StsError.INVALID_INPUT, () -> OidcProviderActions.thumbprints(List.of("g".repeat(40))))
        .contains("g".repeat(40)));
    List<String> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(Integer.toHexString(i).repeat(40));
    }
    assertEquals(five, OidcProviderActions.thumbprints(five));
    List<String> six = new ArrayList<>(five);
    six.add("f".repeat(40));
    assertEquals("Thumbprint list must contain fewer than 5 entries.",
        fails(StsError.INVALID_INPUT, () -> OidcProviderActions.thumbprints(six)));
  }

  @Test
  void clientIdsAreOneTo255CharactersAndAtMostAHundred() throws Exception {
    assertEquals(List.of("a", "b"), OidcProviderActions.clientIds(List.of("a", "b", "a")));
    assertEquals(List.of("c".repeat(255)), OidcProviderActions.clientIds(List.of("c".repeat(255))));
    fails(StsError.VALIDATION_ERROR, () -> OidcProviderActions.clientIds(List.of("c".repeat(256))));
    fails(StsError.VALIDATION_ERROR, () -> OidcProviderActions.clientIds(List.of("")));
    List<String> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add("app" + i);
    }
    assertEquals(100, OidcProviderActions.clientIds(hundred).size());
    hundred.add("one-more");
    assertTrue(fails(StsError.LIMIT_EXCEEDED, () -> OidcProviderActions.clientIds(hundred))
        .contains("ClientIdsPerOpenIdConnectProvider: 100"));
  }

  @Test
  void samlProviderNamesAndDocumentsKeepToIamsLimits() throws Exception {
    assertEquals("Corp_IdP-1.x", SamlProviderActions.name("Corp_IdP-1.x"));
    assertEquals("n".repeat(128), SamlProviderActions.name("n".repeat(128)));
    for (String bad : List.of("has space", "a/b", "a+b", "", "é")) {
      assertTrue(fails(StsError.VALIDATION_ERROR, () -> SamlProviderActions.name(bad))
          .contains("regular expression pattern: [\\w._-]+"), bad);
    }
    assertTrue(fails(StsError.VALIDATION_ERROR, () -> SamlProviderActions.name("n".repeat(129)))
        .contains("less than or equal to 128"));
    String small = "x".repeat(999);
    String message = fails(StsError.VALIDATION_ERROR, () -> SamlProviderActions.metadataDocument(small));
    assertTrue(message.contains("at 'sAMLMetadataDocument'") && message.contains("greater than or equal to 1000"));
    assertTrue(!message.contains("xxx"), "the document is not repeated back");
    assertEquals(1000, SamlProviderActions.metadataDocument("x".repeat(1000)).length());
    assertTrue(fails(StsError.VALIDATION_ERROR,
        () -> SamlProviderActions.metadataDocument("x".repeat(10_000_001))).contains("less than or equal to 10000000"));
  }

  @Test
  void aSamlProviderIsValidUntilItsMetadataSaysOrAHundredYears() {
    SamlMetadata undated = new SamlMetadata("urn:idp", List.of(), null);
    assertEquals("2124-02-28T12:00:00Z", undated.validUntilAfter("2024-02-28T12:00:00Z"));
    assertEquals("2100-02-28T12:00:00Z", undated.validUntilAfter("2000-02-29T12:00:00Z"));
    SamlMetadata dated = new SamlMetadata("urn:idp", List.of(), Instant.parse("2030-01-01T00:00:00.750Z"));
    assertEquals("2030-01-01T00:00:00Z", dated.validUntilAfter("2024-02-28T12:00:00Z"));
  }

  @Test
  void providersOfAStoreThatCannotBeReachedAre503() {
    StateStore down = new StateStore() {
      @Override
      public Optional<Entry> get(String key) throws StateException {
        throw new StateException("connection refused");
      }

      @Override
      public List<Entry> list(String prefix) throws StateException {
        throw new StateException("connection refused");
      }

      @Override
      public long put(String key, byte[] value, long expectedRevision) throws StateException {
        throw new StateException("connection refused");
      }

      @Override
      public void delete(String key, long expectedRevision) throws StateException {
        throw new StateException("connection refused");
      }

      @Override
      public AutoCloseable watch(String prefix, Consumer<Change> listener) {
        return () -> { };
      }

      @Override
      public void close() {}
    };
    IamState state = new IamState(down, () -> { });
    assertTrue(fails(StsError.SERVICE_UNAVAILABLE, () -> state.list(StoredIdentities.OIDC_PROVIDERS,
        StoredOidcProvider.class)).contains("connection refused"));
    fails(StsError.SERVICE_UNAVAILABLE, () -> state.read(StoredIdentities.SAML_PROVIDERS + "x",
        StoredSamlProvider.class));
    assertEquals(503, StsError.SERVICE_UNAVAILABLE.status());
  }

  @Test
  void tagsMergeAndRemoveWithoutCaseAndKeepToFifty() throws Exception {
    Map<String, String> tags = ProviderTags.added(Map.of("Team", "a"), Map.of("team", "b", "env", "prod"), "Quota");
    assertEquals(Map.of("team", "b", "env", "prod"), tags);
    assertEquals(Map.of("env", "prod"), ProviderTags.removed(tags, List.of("TEAM", "absent")));
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i < 50; i++) {
      many.put("k" + i, "v");
    }
    assertEquals(50, ProviderTags.added(Map.of(), many, "Quota").size());
    assertTrue(fails(StsError.LIMIT_EXCEEDED, () -> ProviderTags.added(Map.of("other", "x"), many, "TagsPerX"))
        .contains("TagsPerX: 50"));
    assertEquals(Collections.emptyList(), List.copyOf(ProviderTags.removed(Map.of(), List.of("a")).keySet()));
  }
}
