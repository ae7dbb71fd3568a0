package dev.tokengate.proxy.s3.request;

import java.io.ByteArrayInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A StAX reader for the small XML bodies the proxy interprets: no DTD, no external entities, and
 * an element-by-element reading where an attribute, an unexpected child or mixed content is an
 * error. Whoever reads a body differently from us only ever sees what we re-serialise.
 */
final class StrictXmlReader implements AutoCloseable {
  static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";
  private static final XMLInputFactory FACTORY = factory();

  /** The body is not the document we accept. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final XMLStreamReader reader;

  StrictXmlReader(byte[] body) throws Malformed {
    try {
      this.reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
    } catch (XMLStreamException e) {
      throw new Malformed("not XML");
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  /**
   * Moves to the next start element at this level and returns its local name, or null at the end
   * of the enclosing element. Whitespace, comments and processing instructions between elements
   * are skipped; other text is an error.
   */
  String nextChild() throws Malformed {
    try {
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.START_ELEMENT -> {
            checkElement();
            return reader.getLocalName();
          }
          case XMLStreamConstants.END_ELEMENT, XMLStreamConstants.END_DOCUMENT -> {
            return null;
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
            if (!reader.isWhiteSpace()) {
              throw new Malformed("text between elements");
            }
          }
          case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION,
              XMLStreamConstants.START_DOCUMENT -> { }
          default -> throw new Malformed("unexpected XML event " + event);
        }
      }
      return null;
    } catch (XMLStreamException | RuntimeException e) {
      // Woodstox parses text lazily and reports its malformations unchecked (WstxLazyException).
      throw new Malformed("not well-formed");
    }
  }

  /** The text of the current (leaf) element, up to its end tag; a child element is an error. */
  String text() throws Malformed {
    StringBuilder sb = new StringBuilder();
    try {
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
              sb.append(reader.getText());
          case XMLStreamConstants.END_ELEMENT -> {
            return sb.toString();
          }
          case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> { }
          default -> throw new Malformed("a leaf element holds only text");
        }
      }
      throw new Malformed("unterminated element");
    } catch (XMLStreamException | RuntimeException e) {
      // Woodstox parses text lazily and reports its malformations unchecked (WstxLazyException).
      throw new Malformed("not well-formed");
    }
  }

  /** After the root element's end: nothing but whitespace, comments or PIs may follow. */
  void expectEnd() throws Malformed {
    try {
      while (reader.hasNext()) {
        int event = reader.next();
        if (event == XMLStreamConstants.START_ELEMENT
            || ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) && !reader.isWhiteSpace())
            || event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
          throw new Malformed("content after the root element");
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      // Woodstox parses text lazily and reports its malformations unchecked (WstxLazyException).
      throw new Malformed("not well-formed");
    }
  }

  private void checkElement() throws Malformed {
    if (reader.getAttributeCount() > 0) {
      throw new Malformed("attributes are not accepted");
    }
    String ns = reader.getNamespaceURI();
    if (ns != null && !ns.isEmpty() && !ns.equals(S3_NS)) {
      throw new Malformed("foreign namespace");
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (XMLStreamException ignored) {
      // Nothing is held open: the source is a byte array.
    }
  }
}
