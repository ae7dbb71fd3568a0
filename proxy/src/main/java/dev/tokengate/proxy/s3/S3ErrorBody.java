package dev.tokengate.proxy.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The S3 {@code <Error>} XML document: rendered for the proxy's own answers (Code, Message, extra
 * elements, Resource, RequestId, HostId), and read from a backend's error response, of which only
 * Code and Message are ever taken.
 */
public final class S3ErrorBody {

  private static final XmlMapper XML =
      XmlMapper.builder().configure(ToXmlGenerator.Feature.WRITE_XML_DECLARATION, true).build();

  /** No DTD, hence no entity of the document's own, and nothing fetched from outside. */
  private static final XMLInputFactory INPUT = hardenedInput();

  /** What a backend's error document says, as far as the proxy reads it. */
  public record Parsed(String code, String message) {}

  private S3ErrorBody() {}

  public static byte[] render(S3Exception e, String resource, String requestId, String hostId) {
    ObjectNode root = XML.createObjectNode();
    root.put("Code", e.code());
    root.put("Message", xmlText(e.getMessage()));
    for (Map.Entry<String, String> extra : e.extraElements().entrySet()) {
      root.put(extra.getKey(), xmlText(extra.getValue()));
    }
    if (resource != null) {
      root.put("Resource", xmlText(resource));
    }
    root.put("RequestId", requestId);
    root.put("HostId", hostId);
    try {
      return XML.writer().withRootName("Error").writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException("an ObjectNode of strings must always serialise", impossible);
    }
  }

  /**
   * Reads the {@code Code} and {@code Message} children of a backend's {@code <Error>} root; every
   * other element is skipped unread. A body cut short (the caller bounds it) still yields what was
   * complete before the cut.
   *
   * @return null when the body is not an S3 error document (not XML, another root, a DTD, no Code)
   */
  public static Parsed parse(byte[] body) {
    String code = null;
    String message = null;
    try {
      XMLStreamReader r = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
      try {
        int depth = 0;
        while (r.hasNext()) {
          int event = r.next();
          if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
            return null;
          } else if (event == XMLStreamConstants.START_ELEMENT) {
            depth++;
            String name = r.getLocalName();
            if (depth == 1 && !name.equals("Error")) {
              return null;
            }
            if (depth == 2 && (name.equals("Code") || name.equals("Message"))) {
              String text = r.getElementText();
              depth--;
              if (name.equals("Code") && code == null) {
                code = text.strip();
              } else if (name.equals("Message") && message == null) {
                message = text;
              }
            }
          } else if (event == XMLStreamConstants.END_ELEMENT) {
            depth--;
          }
        }
      } finally {
        r.close();
      }
    } catch (XMLStreamException | RuntimeException unreadable) {
      // Woodstox reports some malformations as unchecked exceptions; a cut body ends here too.
    }
    return code == null || code.isEmpty() ? null : new Parsed(code, message);
  }

  /** Characters XML 1.0 cannot carry (NUL, other C0 controls, lone surrogates) become U+FFFD. */
  static String xmlText(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        if (out != null) {
          out.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xFFFD && !Character.isSurrogate(c));
      if (!ok && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(ok ? c : '\uFFFD');
      }
    }
    return out == null ? s : out.toString();
  }

  private static XMLInputFactory hardenedInput() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }
}
