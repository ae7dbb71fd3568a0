package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.XmlDocuments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A DeleteObjects request body as the proxy reads it, and as the backend receives it: parsed
 * strictly (one {@code <Key>} per {@code <Object>}, text only, no attributes, no unknown elements,
 * 1 to 1000 objects) and written again from what was parsed, so the backend cannot act on a key
 * the proxy did not check.
 *
 * @param quiet {@code <Quiet>true</Quiet>}
 */
public record DeleteObjectsBody(boolean quiet, List<Entry> entries) {
  public static final int MAX_OBJECTS = 1000;

  /**
   * One object to delete; the conditional fields are passed on as given.
   *
   * @param versionId null when absent
   */
  public record Entry(String key, String versionId, String etag, String lastModifiedTime, String size) {}

  public DeleteObjectsBody {
    entries = List.copyOf(entries);
  }

  public static DeleteObjectsBody parse(byte[] body) throws S3Exception {
    try (StrictXmlReader xml = new StrictXmlReader(body)) {
      if (!"Delete".equals(xml.nextChild())) {
        throw malformed();
      }
      Boolean quiet = null;
      List<Entry> entries = new ArrayList<>();
      String child;
      while ((child = xml.nextChild()) != null) {
        switch (child) {
          case "Quiet" -> {
            if (quiet != null) {
              throw malformed();
            }
            String v = xml.text().strip().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
              throw malformed();
            }
            quiet = v.equals("true");
          }
          case "Object" -> {
            if (entries.size() == MAX_OBJECTS) {
              throw malformed();
            }
            entries.add(object(xml));
          }
          default -> throw malformed();
        }
      }
      xml.expectEnd();
      if (entries.isEmpty()) {
        throw malformed();
      }
      return new DeleteObjectsBody(Boolean.TRUE.equals(quiet), entries);
    } catch (StrictXmlReader.Malformed e) {
      throw malformed();
    }
  }

  private static Entry object(StrictXmlReader xml) throws StrictXmlReader.Malformed, S3Exception {
    String key = null;
    String versionId = null;
    String etag = null;
    String modified = null;
    String size = null;
    Set<String> seen = new HashSet<>();
    String child;
    while ((child = xml.nextChild()) != null) {
      if (!seen.add(child)) {
        throw malformed();
      }
      String text = xml.text();
      switch (child) {
        case "Key" -> key = text;
        case "VersionId" -> versionId = text;
        case "ETag" -> etag = text;
        case "LastModifiedTime" -> modified = text;
        case "Size" -> size = text;
        default -> throw malformed();
      }
    }
    if (key == null || key.isEmpty() || ObjectKeys.isTooLong(key)) {
      throw malformed();
    }
    if (versionId != null && versionId.isEmpty()) {
      throw malformed();
    }
    return new Entry(key, versionId, etag, modified, size);
  }

  /** This body with only {@code kept}, serialised for the backend. */
  public byte[] serialize(List<Entry> kept) {
    return XmlDocuments.document(
            w -> {
              w.writeStartElement("Delete");
              w.writeDefaultNamespace(StrictXmlReader.S3_NS);
              if (quiet) {
                XmlDocuments.element(w, "Quiet", "true");
              }
              for (Entry e : kept) {
                w.writeStartElement("Object");
                XmlDocuments.element(w, "Key", e.key());
                XmlDocuments.optionalElement(w, "VersionId", e.versionId());
                XmlDocuments.optionalElement(w, "ETag", e.etag());
                XmlDocuments.optionalElement(w, "LastModifiedTime", e.lastModifiedTime());
                XmlDocuments.optionalElement(w, "Size", e.size());
                w.writeEndElement();
              }
              w.writeEndElement();
            })
        .getBytes(StandardCharsets.UTF_8);
  }

  private static S3Exception malformed() {
    return new S3Exception(S3Error.MALFORMED_XML);
  }
}
