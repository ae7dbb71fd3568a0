package dev.tokengate.proxy.sts;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import dev.tokengate.proxy.s3.XmlDocuments;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes query-protocol XML documents (STS, IAM): {@code <XResponse xmlns=…><XResult>…</XResult>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></XResponse>} and {@code
 * <ErrorResponse>}. A result is an ordered map: a String value is a text element, a Map a nested
 * element, a List of Maps repeated {@code <member>} elements, {@link Entries} a query-protocol map
 * ({@code <entry><key>…</key><value>…</value></entry>}); null values are left out.
 */
public final class QueryXml {
  private QueryXml() {}

  /** A map on the wire as the query protocol writes one (GetAccountSummary's SummaryMap). */
  public record Entries(Map<String, ?> map) {}

  public static byte[] response(String namespace, String action, Map<String, ?> result, String requestId) {
    return utf8(
        w -> {
          w.writeStartElement(action + "Response");
          w.writeDefaultNamespace(namespace);
          w.writeStartElement(action + "Result");
          children(w, result);
          w.writeEndElement();
          w.writeStartElement("ResponseMetadata");
          text(w, "RequestId", requestId);
          w.writeEndElement();
          w.writeEndElement();
        });
  }

  public static byte[] error(String namespace, StsError error, String message, String requestId) {
    return utf8(
        w -> {
          w.writeStartElement("ErrorResponse");
          w.writeDefaultNamespace(namespace);
          w.writeStartElement("Error");
          text(w, "Type", error.type());
          text(w, "Code", error.code());
          text(w, "Message", message);
          w.writeEndElement();
          text(w, "RequestId", requestId);
          w.writeEndElement();
        });
  }

  private static byte[] utf8(XmlDocuments.Content content) {
    return XmlDocuments.document(content).getBytes(StandardCharsets.UTF_8);
  }

  private static void children(XMLStreamWriter w, Map<String, ?> map) throws XMLStreamException {
    for (Map.Entry<String, ?> e : map.entrySet()) {
      Object value = e.getValue();
      if (value == null) {
        continue;
      }
      if (value instanceof Map<?, ?> nested) {
        w.writeStartElement(e.getKey());
        @SuppressWarnings("unchecked")
        Map<String, ?> typed = (Map<String, ?>) nested;
        children(w, typed);
        w.writeEndElement();
      } else if (value instanceof Entries entries) {
        w.writeStartElement(e.getKey());
        for (Map.Entry<String, ?> entry : entries.map().entrySet()) {
          w.writeStartElement("entry");
          text(w, "key", entry.getKey());
          text(w, "value", String.valueOf(entry.getValue()));
          w.writeEndElement();
        }
        w.writeEndElement();
      } else if (value instanceof List<?> list) {
        w.writeStartElement(e.getKey());
        for (Object item : list) {
          w.writeStartElement("member");
          if (item instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) m;
            children(w, typed);
          } else {
            w.writeCharacters(String.valueOf(item));
          }
          w.writeEndElement();
        }
        w.writeEndElement();
      } else {
        text(w, e.getKey(), String.valueOf(value));
      }
    }
  }

  private static void text(XMLStreamWriter w, String name, String value) throws XMLStreamException {
    XmlDocuments.element(w, name, value);
  }
}
