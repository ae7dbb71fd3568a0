package dev.tokengate.proxy.sts.saml;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a verified SAML assertion says, read from the element the signature covers.
 *
 * @param nameIdFormat the NameID's Format URI, or null
 * @param recipient the bearer confirmation's Recipient (the value of {@code saml:aud})
 * @param attributes attribute values by Name, in document order
 * @param sessionNotOnOrAfter the AuthnStatement's SessionNotOnOrAfter, or null
 */
public record VerifiedAssertion(String issuer, String nameId, String nameIdFormat, String recipient,
    Map<String, List<String>> attributes, Instant sessionNotOnOrAfter) {

  public VerifiedAssertion {
    attributes = Map.copyOf(attributes);
  }

  public List<String> attribute(String name) {
    return attributes.getOrDefault(name, List.of());
  }

  /**
   * {@code saml:sub_type}: {@code persistent} or {@code transient} for those NameID formats, else
   * the format URI (SAML 1.1 {@code unspecified} when none is given), as IAM documents the key.
   */
  public String subjectType() {
    if (nameIdFormat == null) {
      return "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    }
    return switch (nameIdFormat) {
      case "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" -> "persistent";
      case "urn:oasis:names:tc:SAML:2.0:nameid-format:transient" -> "transient";
      default -> nameIdFormat;
    };
  }
}
