package dev.tokengate.proxy.cors;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A bucket's CORS configuration ({@code <CORSConfiguration>}), read as PutBucketCors reads it and
 * written back as GetBucketCors answers. The proxy keeps it (see {@link BucketCorsStore}): it
 * answers preflights itself, and they are unauthenticated, so the backend is never asked.
 */
public final class CorsConfiguration {
  /** AWS's limits: 100 rules, a 64 KiB document. */
  public static final int MAX_RULES = 100;
  public static final int MAX_BYTES = 64 * 1024;
  private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");
  private static final XMLInputFactory FACTORY = factory();

  /** Why a document is refused, with the S3 error it gets. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean malformedXml;

    Invalid(boolean malformedXml, String message) {
      super(message);
      this.malformedXml = malformedXml;
    }

    /** MalformedXML (the schema is broken) rather than InvalidRequest (a value is not allowed). */
    public boolean malformedXml() {
      return malformedXml;
    }
  }

  private final List<CorsRule> rules;

  public CorsConfiguration(List<CorsRule> rules) {
    this.rules = List.copyOf(rules);
  }

  public List<CorsRule> rules() {
    return rules;
  }

  /**
   * The first rule that allows this request, as S3 picks one.
   *
   * @param requestHeaders a preflight's Access-Control-Request-Headers; empty for an actual request
   */
  public Optional<CorsRule> match(String origin, String method, List<String> requestHeaders) {
    for (CorsRule r : rules) {
      if (r.allowsOrigin(origin) && r.allowsMethod(method) && r.allowsHeaders(requestHeaders)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** @throws Invalid with S3's message when PutBucketCors would refuse the document */
  public static CorsConfiguration parse(byte[] xml) throws Invalid {
    if (xml.length > MAX_BYTES) {
      throw new Invalid(true, "The XML you provided was larger than the maximum allowed size.");
    }
    List<CorsRule> rules = new ArrayList<>();
    try {
      XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
      expectRoot(r);
      while (nextTag(r) == XMLStreamConstants.START_ELEMENT) {
        if (!r.getLocalName().equals("CORSRule")) {
          throw malformed();
        }
        rules.add(rule(r));
      }
    } catch (XMLStreamException | RuntimeException e) {
      throw malformed();
    }
    if (rules.isEmpty() || rules.size() > MAX_RULES) {
      throw malformed();
    }
    return new CorsConfiguration(rules);
  }

  private static void expectRoot(XMLStreamReader r) throws XMLStreamException, Invalid {
    if (nextTag(r) != XMLStreamConstants.START_ELEMENT || !r.getLocalName().equals("CORSConfiguration")) {
      throw malformed();
    }
  }

  private static CorsRule rule(XMLStreamReader r) throws XMLStreamException, Invalid {
    String id = null;
    Integer maxAge = null;
    List<String> origins = new ArrayList<>();
    List<String> methods = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    List<String> expose = new ArrayList<>();
    while (nextTag(r) == XMLStreamConstants.START_ELEMENT) {
      String name = r.getLocalName();
      String text = r.getElementText().strip(); // refuses nested elements: not the schema
      switch (name) {
        case "ID" -> id = text;
        case "AllowedOrigin" -> {
          if (text.indexOf('*') != text.lastIndexOf('*')) {
            throw new Invalid(false, "AllowedOrigin \"" + text + "\" can not have more than one wildcard.");
          }
          origins.add(text);
        }
        case "AllowedMethod" -> {
          if (!METHODS.contains(text)) {
            throw new Invalid(false, "Found unsupported HTTP method in CORS config. Unsupported method is " + text);
          }
          methods.add(text);
        }
        case "AllowedHeader" -> {
          if (text.indexOf('*') != text.lastIndexOf('*')) {
            throw new Invalid(false, "AllowedHeader \"" + text + "\" can not have more than one wildcard.");
          }
          headers.add(text);
        }
        case "ExposeHeader" -> expose.add(text);
        case "MaxAgeSeconds" -> maxAge = Integer.valueOf(text);
        default -> throw malformed();
      }
    }
    if (origins.isEmpty() || methods.isEmpty() || (id != null && id.length() > 255)) {
      throw malformed();
    }
    return new CorsRule(id, origins, methods, headers, expose, maxAge);
  }

  /** The next start or end tag, skipping whitespace and comments; text between elements is refused. */
  private static int nextTag(XMLStreamReader r) throws XMLStreamException {
    while (r.hasNext()) {
      int event = r.next();
      switch (event) {
        case XMLStreamConstants.START_ELEMENT, XMLStreamConstants.END_ELEMENT, XMLStreamConstants.END_DOCUMENT -> {
          return event;
        }
        case XMLStreamConstants.CHARACTERS -> {
          if (!r.isWhiteSpace()) {
            throw new XMLStreamException("text outside an element");
          }
        }
        default -> { } // comments, processing instructions, the declaration
      }
    }
    return XMLStreamConstants.END_DOCUMENT;
  }

  private static Invalid malformed() {
    return new Invalid(true, "The XML you provided was not well-formed or did not validate against our published schema");
  }

  /** The document GetBucketCors answers with. */
  public byte[] toXml() {
    StringBuilder out = new StringBuilder(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (CorsRule r : rules) {
      out.append("<CORSRule>");
      if (r.id() != null) {
        element(out, "ID", r.id());
      }
      r.allowedHeaders().forEach(h -> element(out, "AllowedHeader", h));
      r.allowedMethods().forEach(m -> element(out, "AllowedMethod", m));
      r.allowedOrigins().forEach(o -> element(out, "AllowedOrigin", o));
      r.exposeHeaders().forEach(h -> element(out, "ExposeHeader", h));
      if (r.maxAgeSeconds() != null) {
        element(out, "MaxAgeSeconds", r.maxAgeSeconds().toString());
      }
      out.append("</CORSRule>");
    }
    return out.append("</CORSConfiguration>").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void element(StringBuilder out, String name, String text) {
    out.append('<').append(name).append('>')
        .append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        .append("</").append(name).append('>');
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }
}
