package dev.tokengate.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.SamlIdpMetadata;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamlMetadataTest {
  @TempDir Path dir;

  private static String refused(String document) {
    StsException e = assertThrows(StsException.class, () -> SamlMetadata.parse(document));
    assertEquals(StsError.INVALID_INPUT, e.error());
    assertTrue(e.getMessage().startsWith("Could not parse metadata: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void readsTheEntityIdTheSigningCertificateAndValidUntil() throws Exception {
    SamlMetadata m = SamlMetadata.parse(SamlIdpMetadata.document("https://idp.tokengate.test/saml"));
    assertEquals("https://idp.tokengate.test/saml", m.entityId());
    assertEquals(1, m.signingCertificates().size());
    assertEquals("CN=idp.tokengate.test", m.signingCertificates().get(0).getSubjectX500Principal().getName());
    assertNull(m.validUntil());

    SamlMetadata dated = SamlMetadata.parse(SamlIdpMetadata.document("urn:idp", "validUntil=\"2031-05-06T07:08:09Z\"",
        SamlIdpMetadata.keyDescriptor(null, SamlIdpMetadata.certificate())));
    assertEquals(Instant.parse("2031-05-06T07:08:09Z"), dated.validUntil());
    assertEquals(1, dated.signingCertificates().size(), "a KeyDescriptor without use is for signing too");
  }

  @Test
  void aDocumentWithoutASigningCertificateIsRefused() {
    String cert = SamlIdpMetadata.certificate();
    assertTrue(refused(SamlIdpMetadata.document("urn:idp", "", SamlIdpMetadata.keyDescriptor("encryption", cert)))
        .contains("signing certificate"));
    assertTrue(refused(SamlIdpMetadata.document("urn:idp", "", "")).contains("signing certificate"));
    // The certificate of a service provider's descriptor is not the IdP's.
    String sp = SamlIdpMetadata.document("urn:idp", "", SamlIdpMetadata.keyDescriptor("signing", cert))
        .replace("IDPSSODescriptor", "SPSSODescriptor");
    refused(sp);
    assertTrue(refused(SamlIdpMetadata.document("urn:idp", "", SamlIdpMetadata.keyDescriptor("signing",
        "bm90IGEgY2VydGlmaWNhdGU="))).contains("X.509"));
  }

  @Test
  void onlyAnEntityDescriptorWithAnEntityIdIsMetadata() {
    String doc = SamlIdpMetadata.document("urn:idp");
    assertTrue(refused(doc.replace("entityID=\"urn:idp\"", "")).contains("entityID"));
    assertTrue(refused(doc.replace("urn:oasis:names:tc:SAML:2.0:metadata", "urn:example:other"))
        .contains("EntityDescriptor"));
    assertTrue(refused("<a>" + "x".repeat(1000) + "</a>").contains("EntityDescriptor"));
    assertTrue(refused(doc.replace("validUntil", "").replace("entityID=\"urn:idp\"",
        "entityID=\"urn:idp\" validUntil=\"next week\"")).contains("validUntil"));
    refused(doc.substring(0, doc.length() - 10));
    refused(doc + "<trailing/>");
    refused("");
  }

  @Test
  void doctypesAndEntitiesAreRefusedNeverResolved() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT", StandardCharsets.UTF_8);
    String doc = SamlIdpMetadata.document("&xxe;");
    String xxe = doc.replaceFirst("\\?>", "?>\n<!DOCTYPE md:EntityDescriptor [<!ENTITY xxe SYSTEM \""
        + secret.toUri() + "\">]>");
    String message = refused(xxe);
    assertTrue(message.contains("DOCTYPE"), message);
    assertFalse(message.contains("TOP-SECRET"), message);

    String laughs = doc.replaceFirst("\\?>", "?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
        + "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>").replace("&xxe;", "&lol2;");
    assertTrue(refused(laughs).contains("DOCTYPE"));
    // Without a DOCTYPE, an entity is undeclared: not well-formed.
    refused(doc);
    // The five predefined entities are plain XML.
    assertEquals("a&b", SamlMetadata.parse(SamlIdpMetadata.document("a&amp;b")).entityId());
  }
}
