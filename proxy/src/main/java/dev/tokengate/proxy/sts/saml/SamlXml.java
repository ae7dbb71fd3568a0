package dev.tokengate.proxy.sts.saml;

import dev.tokengate.proxy.sts.saml.SamlRejection.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a SAML response as DOM, hardened: no DOCTYPE at all (so no entity, external or internal,
 * is ever expanded), no XInclude, no external access. The IDs of SAML elements are registered
 * explicitly, and a document that repeats an ID is refused, so a signature's {@code #ID} reference
 * can resolve to one element only.
 */
final class SamlXml {
  static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";

  static final int MAX_DEPTH = 64;

  private SamlXml() {}

  private static DocumentBuilderFactory factory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    // No SAML response nests deeply; a deep one would only exhaust the stack of the code that walks it.
    f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", Integer.toString(MAX_DEPTH));
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    return f;
  }

  /** Decodes and parses; the root must be a {@code samlp:Response}. */
  static Document parse(String base64) throws SamlRejection {
    byte[] xml;
    try {
      xml = Base64.getMimeDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw malformed("The SAML assertion is not base64.");
    }
    Document doc;
    try {
      DocumentBuilder builder = factory().newDocumentBuilder();
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not resolved");
      });
      builder.setErrorHandler(new DefaultHandler()); // no stderr noise; fatal errors still throw
      doc = builder.parse(new ByteArrayInputStream(xml));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a hardening feature", e);
    } catch (SAXException | IOException | RuntimeException e) {
      // The parser's message may quote the document: say only what kind of failure it was.
      throw malformed("The SAML response is not well-formed XML, or has a DOCTYPE.");
    }
    Element root = doc.getDocumentElement();
    if (!is(root, PROTOCOL, "Response")) {
      throw malformed("The SAML assertion is not a SAML 2.0 Response.");
    }
    registerIds(root, new HashSet<>());
    return doc;
  }

  /** Marks {@code ID} of every SAML protocol/assertion element as an ID; refuses repeats. */
  private static void registerIds(Element e, Set<String> seen) throws SamlRejection {
    String ns = e.getNamespaceURI();
    if ((PROTOCOL.equals(ns) || ASSERTION.equals(ns)) && e.hasAttributeNS(null, "ID")) {
      if (!seen.add(e.getAttributeNS(null, "ID"))) {
        throw malformed("The SAML response repeats an ID.");
      }
      e.setIdAttributeNS(null, "ID", true);
    }
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element child) {
        registerIds(child, seen);
      }
    }
  }

  static boolean is(Node n, String ns, String localName) {
    return n instanceof Element && ns.equals(n.getNamespaceURI()) && localName.equals(n.getLocalName());
  }

  /** The element children of {@code parent} named {@code ns:localName}, in order. */
  static List<Element> children(Element parent, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (is(n, ns, localName)) {
        out.add((Element) n);
      }
    }
    return out;
  }

  /** The one child so named, or null when there is none; more than one is refused. */
  static Element single(Element parent, String ns, String localName) throws SamlRejection {
    List<Element> found = children(parent, ns, localName);
    if (found.size() > 1) {
      throw malformed("The SAML assertion has more than one " + localName + ".");
    }
    return found.isEmpty() ? null : found.get(0);
  }

  static Element required(Element parent, String ns, String localName) throws SamlRejection {
    Element e = single(parent, ns, localName);
    if (e == null) {
      throw malformed("The SAML assertion has no " + localName + ".");
    }
    return e;
  }

  /**
   * The text of a leaf element as canonicalization sees it: all its text, with comments left out
   * (a comment splits the text into nodes; reading only the first would read another value than
   * the one that was signed). An element inside is refused.
   */
  static String text(Element e) throws SamlRejection {
    StringBuilder text = new StringBuilder();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      switch (n.getNodeType()) {
        case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> text.append(n.getNodeValue());
        case Node.COMMENT_NODE, Node.PROCESSING_INSTRUCTION_NODE -> { }
        default -> throw malformed("The SAML element " + e.getLocalName() + " must hold text only.");
      }
    }
    return text.toString().strip();
  }

  static SamlRejection malformed(String message) {
    return new SamlRejection(Reason.MALFORMED, message);
  }
}
