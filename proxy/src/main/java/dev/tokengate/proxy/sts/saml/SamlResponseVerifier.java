package dev.tokengate.proxy.sts.saml;

import static dev.tokengate.proxy.sts.saml.SamlXml.ASSERTION;
import static dev.tokengate.proxy.sts.saml.SamlXml.DSIG;
import static dev.tokengate.proxy.sts.saml.SamlXml.PROTOCOL;
import static dev.tokengate.proxy.sts.saml.SamlXml.malformed;

import dev.tokengate.proxy.sts.saml.SamlRejection.Reason;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Verifies a base64 SAML 2.0 Response for AssumeRoleWithSAML: exactly one Assertion, signed (the
 * Response or that Assertion) by a key of the provider's metadata; Status Success; the provider's
 * issuer; the sign-in endpoint as Destination and bearer Recipient; an AWS audience; and the time
 * windows, with {@link #SKEW} of clock skew. Only then are the subject and attributes read, from
 * the assertion the signature covers.
 */
public final class SamlResponseVerifier {
  /** Where AWS's SAML responses are posted; IAM requires it as the recipient. */
  public static final String SIGN_IN = "https://signin.aws.amazon.com/saml";
  static final Set<String> AUDIENCES = Set.of(SIGN_IN, "urn:amazon:webservices");
  static final Duration SKEW = Duration.ofMinutes(5);
  private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  private static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

  private final Clock clock;
  private final Set<String> recipients;

  /** @param recipients the accepted Destination/Recipient URLs ({@link #SIGN_IN} and any the operator adds) */
  public SamlResponseVerifier(Clock clock, Set<String> recipients) {
    this.clock = clock;
    this.recipients = Set.copyOf(recipients);
  }

  public SamlResponseVerifier(Clock clock) {
    this(clock, Set.of(SIGN_IN));
  }

  /**
   * @param entityId the provider's entity id, which must issue the response
   * @param certificates the provider metadata's signing certificates: the only keys trusted
   */
  public VerifiedAssertion verify(String base64, String entityId, List<X509Certificate> certificates)
      throws SamlRejection {
    Document doc = SamlXml.parse(base64);
    Element response = doc.getDocumentElement();
    if (doc.getElementsByTagNameNS(ASSERTION, "Assertion").getLength() != 1
        || doc.getElementsByTagNameNS(ASSERTION, "EncryptedAssertion").getLength() != 0) {
      throw malformed("The SAML response must hold exactly one Assertion, unencrypted.");
    }
    Element assertion = SamlXml.required(response, ASSERTION, "Assertion");
    verifySignatures(doc, response, assertion, keys(certificates));

    Instant now = clock.instant();
    Element status = SamlXml.required(response, PROTOCOL, "Status");
    Element code = SamlXml.required(status, PROTOCOL, "StatusCode");
    if (!SUCCESS.equals(code.getAttributeNS(null, "Value"))) {
      throw new SamlRejection(Reason.NOT_AUTHENTICATED, "The identity provider did not authenticate the user.");
    }
    Element responseIssuer = SamlXml.single(response, ASSERTION, "Issuer");
    if (responseIssuer != null && !entityId.equals(SamlXml.text(responseIssuer))) {
      throw wrongIssuer();
    }
    String issuer = SamlXml.text(SamlXml.required(assertion, ASSERTION, "Issuer"));
    if (!entityId.equals(issuer)) {
      throw wrongIssuer();
    }
    if (response.hasAttributeNS(null, "Destination") && !recipients.contains(response.getAttributeNS(null, "Destination"))) {
      throw new SamlRejection(Reason.WRONG_RECIPIENT, "The SAML response's Destination is not " + SIGN_IN + ".");
    }
    Element subject = SamlXml.required(assertion, ASSERTION, "Subject");
    Element nameId = SamlXml.required(subject, ASSERTION, "NameID");
    String recipient = bearerRecipient(subject, now);
    checkConditions(SamlXml.required(assertion, ASSERTION, "Conditions"), now);
    Instant sessionEnd = null;
    for (Element authn : SamlXml.children(assertion, ASSERTION, "AuthnStatement")) {
      if (authn.hasAttributeNS(null, "SessionNotOnOrAfter")) {
        Instant end = instant(authn.getAttributeNS(null, "SessionNotOnOrAfter"));
        sessionEnd = sessionEnd == null || end.isBefore(sessionEnd) ? end : sessionEnd;
      }
    }
    if (sessionEnd != null && !now.isBefore(sessionEnd)) {
      throw expired();
    }
    String format = nameId.hasAttributeNS(null, "Format") ? nameId.getAttributeNS(null, "Format") : null;
    return new VerifiedAssertion(issuer, SamlXml.text(nameId), format, recipient, attributes(assertion), sessionEnd);
  }

  /**
   * Each signature present must verify, and one must: of the Response (which covers its one
   * Assertion) or of the Assertion. A signature anywhere else is refused, not ignored: it can only
   * be there to mislead.
   */
  private static void verifySignatures(Document doc, Element response, Element assertion, List<PublicKey> keys)
      throws SamlRejection {
    Element onResponse = SamlXml.single(response, DSIG, "Signature");
    Element onAssertion = SamlXml.single(assertion, DSIG, "Signature");
    int expected = (onResponse == null ? 0 : 1) + (onAssertion == null ? 0 : 1);
    if (expected == 0 || doc.getElementsByTagNameNS(DSIG, "Signature").getLength() != expected) {
      throw new SamlRejection(Reason.BAD_SIGNATURE, SamlSignatures.INVALID);
    }
    if (onResponse != null) {
      SamlSignatures.verify(response, onResponse, keys);
    }
    if (onAssertion != null) {
      SamlSignatures.verify(assertion, onAssertion, keys);
    }
  }

  private static List<PublicKey> keys(List<X509Certificate> certificates) {
    List<PublicKey> keys = new ArrayList<>();
    certificates.forEach(c -> keys.add(c.getPublicKey()));
    return keys;
  }

  /** The Recipient of the bearer confirmation that names the sign-in endpoint and is in time. */
  private String bearerRecipient(Element subject, Instant now) throws SamlRejection {
    boolean bearer = false;
    for (Element confirmation : SamlXml.children(subject, ASSERTION, "SubjectConfirmation")) {
      if (!BEARER.equals(confirmation.getAttributeNS(null, "Method"))) {
        continue;
      }
      bearer = true;
      Element data = SamlXml.required(confirmation, ASSERTION, "SubjectConfirmationData");
      String recipient = data.getAttributeNS(null, "Recipient");
      if (!recipients.contains(recipient)) {
        continue;
      }
      if (!data.hasAttributeNS(null, "NotOnOrAfter")) {
        throw malformed("The SAML bearer confirmation has no NotOnOrAfter.");
      }
      checkWindow(data, now);
      return recipient;
    }
    if (!bearer) {
      throw malformed("The SAML assertion has no bearer SubjectConfirmation.");
    }
    throw new SamlRejection(Reason.WRONG_RECIPIENT, "The SAML assertion's Recipient is not " + SIGN_IN + ".");
  }

  private static void checkConditions(Element conditions, Instant now) throws SamlRejection {
    checkWindow(conditions, now);
    List<Element> restrictions = SamlXml.children(conditions, ASSERTION, "AudienceRestriction");
    if (restrictions.isEmpty()) {
      throw wrongAudience();
    }
    // Every restriction must be met (SAML core 2.5.1.4): each must name an AWS audience.
    for (Element restriction : restrictions) {
      boolean named = false;
      for (Element audience : SamlXml.children(restriction, ASSERTION, "Audience")) {
        named |= AUDIENCES.contains(SamlXml.text(audience));
      }
      if (!named) {
        throw wrongAudience();
      }
    }
  }

  private static void checkWindow(Element e, Instant now) throws SamlRejection {
    if (e.hasAttributeNS(null, "NotBefore") && now.plus(SKEW).isBefore(instant(e.getAttributeNS(null, "NotBefore")))) {
      throw new SamlRejection(Reason.NOT_YET_VALID, "The SAML assertion is not yet valid.");
    }
    if (e.hasAttributeNS(null, "NotOnOrAfter")
        && !now.minus(SKEW).isBefore(instant(e.getAttributeNS(null, "NotOnOrAfter")))) {
      throw expired();
    }
  }

  private static Map<String, List<String>> attributes(Element assertion) throws SamlRejection {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Element statement : SamlXml.children(assertion, ASSERTION, "AttributeStatement")) {
      for (Element attribute : SamlXml.children(statement, ASSERTION, "Attribute")) {
        List<String> values = out.computeIfAbsent(attribute.getAttributeNS(null, "Name"), k -> new ArrayList<>());
        for (Element value : SamlXml.children(attribute, ASSERTION, "AttributeValue")) {
          values.add(SamlXml.text(value));
        }
      }
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return out;
  }

  private static Instant instant(String xsDateTime) throws SamlRejection {
    try {
      return OffsetDateTime.parse(xsDateTime.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw malformed("A SAML time is not a dateTime with a time zone.");
    }
  }

  private static SamlRejection expired() {
    return new SamlRejection(Reason.EXPIRED, "Token is expired.");
  }

  private static SamlRejection wrongIssuer() {
    return new SamlRejection(Reason.WRONG_ISSUER, "Issuer not present in specified provider");
  }

  private static SamlRejection wrongAudience() {
    return new SamlRejection(Reason.WRONG_AUDIENCE, "Response does not contain the required audience.");
  }
}
