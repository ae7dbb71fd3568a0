package dev.tokengate.proxy.identity;

import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What IAM reads from a SAML 2.0 metadata document: the IdP's entity id, the certificates its
 * responses are signed with (a {@code KeyDescriptor} of an {@code IDPSSODescriptor} whose use is
 * {@code signing} or unstated) and the document's {@code validUntil}. The document comes from
 * whoever may call CreateSAMLProvider, so it is read with StAX and no DTD at all: a DOCTYPE (and
 * with it every entity trick) is refused, never resolved.
 *
 * @param validUntil null when the document names none
 */
public record SamlMetadata(String entityId, List<X509Certificate> signingCertificates, Instant validUntil) {
  static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
  static final String DS = "http://www.w3.org/2000/09/xmldsig#";
  /** AWS's message; what was wrong follows it, so a user can fix the document. */
  static final String UNPARSABLE = "Could not parse metadata";

  private static final XMLInputFactory FACTORY = factory();

  public SamlMetadata {
    signingCertificates = List.copyOf(signingCertificates);
  }

  /** IAM's ValidUntil: the document's own; without one, as AWS, a hundred years after {@code created}. */
  public String validUntilAfter(String created) {
    if (validUntil != null) {
      return validUntil.truncatedTo(ChronoUnit.SECONDS).toString();
    }
    return Instant.parse(created).atOffset(ZoneOffset.UTC).plusYears(100).toInstant().toString();
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  /**
   * @throws StsException {@code InvalidInput} "Could not parse metadata: …" when the document is
   *     not well-formed XML, has a DOCTYPE, is not an {@code md:EntityDescriptor} with an entity id,
   *     or has no signing certificate that decodes
   */
  public static SamlMetadata parse(String document) throws StsException {
    XMLStreamReader r;
    try {
      r = FACTORY.createXMLStreamReader(new StringReader(document));
    } catch (XMLStreamException e) {
      throw invalid("not XML");
    }
    try {
      return read(r);
    } catch (XMLStreamException | RuntimeException e) {
      // Woodstox reports some malformations lazily, unchecked.
      throw invalid("not well-formed XML");
    } finally {
      try {
        r.close();
      } catch (XMLStreamException ignored) {
        // nothing held open: the source is a string
      }
    }
  }

  private static SamlMetadata read(XMLStreamReader r) throws XMLStreamException, StsException {
    String entityId = null;
    Instant validUntil = null;
    List<X509Certificate> certificates = new ArrayList<>();
    Deque<String> open = new ArrayDeque<>(); // the enclosing elements, innermost first
    boolean rootSeen = false;
    while (r.hasNext()) {
      int event = r.next();
      switch (event) {
        case XMLStreamConstants.DTD -> throw invalid("a DOCTYPE is not allowed");
        case XMLStreamConstants.ENTITY_REFERENCE -> throw invalid("entity references are not allowed");
        case XMLStreamConstants.START_ELEMENT -> {
          String name = r.getNamespaceURI() + " " + r.getLocalName();
          if (!rootSeen) {
            rootSeen = true;
            if (!(MD + " EntityDescriptor").equals(name)) {
              throw invalid("the document is not an md:EntityDescriptor");
            }
            entityId = r.getAttributeValue(null, "entityID");
            if (entityId == null || entityId.isBlank()) {
              throw invalid("the EntityDescriptor has no entityID");
            }
            validUntil = instant(r.getAttributeValue(null, "validUntil"));
          }
          if ((DS + " X509Certificate").equals(name) && inSigningKey(open)) {
            certificates.add(certificate(r.getElementText()));
            continue; // getElementText consumed the end tag
          }
          open.push(name + (isKeyDescriptor(name) ? " " + r.getAttributeValue(null, "use") : ""));
        }
        case XMLStreamConstants.END_ELEMENT -> open.pop();
        default -> { } // text, comments, processing instructions: not IAM's business
      }
    }
    if (certificates.isEmpty()) {
      throw invalid("no IDPSSODescriptor has a signing certificate (KeyDescriptor/ds:KeyInfo/ds:X509Data/"
          + "ds:X509Certificate)");
    }
    return new SamlMetadata(entityId, certificates, validUntil);
  }

  private static boolean isKeyDescriptor(String name) {
    return (MD + " KeyDescriptor").equals(name);
  }

  /** Inside KeyInfo/X509Data of a signing (or general-use) KeyDescriptor of an IDPSSODescriptor. */
  private static boolean inSigningKey(Deque<String> open) {
    List<String> up = List.copyOf(open); // innermost first
    return up.size() >= 4
        && up.get(0).equals(DS + " X509Data")
        && up.get(1).equals(DS + " KeyInfo")
        && (up.get(2).equals(MD + " KeyDescriptor null") || up.get(2).equals(MD + " KeyDescriptor signing"))
        && up.get(3).equals(MD + " IDPSSODescriptor");
  }

  private static X509Certificate certificate(String base64) throws StsException {
    try {
      byte[] der = Base64.getMimeDecoder().decode(base64.strip());
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (IllegalArgumentException | CertificateException e) {
      throw invalid("a signing certificate is not a base64 X.509 certificate");
    }
  }

  private static Instant instant(String xsDateTime) throws StsException {
    if (xsDateTime == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(xsDateTime.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid("validUntil is not a dateTime with a time zone");
    }
  }

  private static StsException invalid(String why) {
    return new StsException(StsError.INVALID_INPUT, UNPARSABLE + ": " + why + ".");
  }
}
