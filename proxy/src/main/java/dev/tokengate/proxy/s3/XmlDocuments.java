package dev.tokengate.proxy.s3;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes small XML documents or fragments with the JDK's StAX writer, which escapes every value. */
public final class XmlDocuments {
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

  /** What to write, given a writer positioned where the content goes. */
  @FunctionalInterface
  public interface Content {
    void write(XMLStreamWriter w) throws XMLStreamException;
  }

  private XmlDocuments() {}

  /** A fragment (no declaration). */
  public static String fragment(Content content) {
    return write(content, false);
  }

  /** A whole document with an XML declaration. */
  public static String document(Content content) {
    return write(content, true);
  }

  /** {@code <name>text</name>}. */
  public static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(text);
    w.writeEndElement();
  }

  /** {@code <name>text</name>} when {@code text} is not null; nothing otherwise. */
  public static void optionalElement(XMLStreamWriter w, String name, String text) throws XMLStreamException {
    if (text != null) {
      element(w, name, text);
    }
  }

  private static String write(Content content, boolean declaration) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = FACTORY.createXMLStreamWriter(out);
      if (declaration) {
        w.writeStartDocument("UTF-8", "1.0");
      }
      content.write(w);
      if (declaration) {
        w.writeEndDocument();
      }
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing XML to a StringWriter cannot fail", e);
    }
    return out.toString();
  }
}
