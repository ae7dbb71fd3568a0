package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.XmlDocuments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A DeleteObjects response: what the backend reported, read element by element, plus the keys the
 * proxy refused, written again as one {@code <DeleteResult>}.
 */
public record DeleteResultBody(List<Deleted> deleted, List<Failed> errors) {

  /** A {@code <Deleted>} entry; absent fields are null. */
  public record Deleted(String key, String versionId, String deleteMarker, String deleteMarkerVersionId) {}

  /** An {@code <Error>} entry. */
  public record Failed(String key, String versionId, String code, String message) {}

  public DeleteResultBody {
    deleted = List.copyOf(deleted);
    errors = List.copyOf(errors);
  }

  /** Reads a backend's result; null when it is not a DeleteResult we can read. */
  public static DeleteResultBody parse(byte[] body) {
    try (StrictXmlReader xml = new StrictXmlReader(body)) {
      if (!"DeleteResult".equals(xml.nextChild())) {
        return null;
      }
      List<Deleted> deleted = new ArrayList<>();
      List<Failed> errors = new ArrayList<>();
      String child;
      while ((child = xml.nextChild()) != null) {
        String[] f = new String[4];
        String[] names = child.equals("Deleted")
            ? new String[] {"Key", "VersionId", "DeleteMarker", "DeleteMarkerVersionId"}
            : child.equals("Error") ? new String[] {"Key", "VersionId", "Code", "Message"} : null;
        if (names == null) {
          return null;
        }
        String field;
        while ((field = xml.nextChild()) != null) {
          int i = List.of(names).indexOf(field);
          String text = xml.text();
          if (i >= 0) {
            f[i] = text;
          }
        }
        if (child.equals("Deleted")) {
          deleted.add(new Deleted(f[0], f[1], f[2], f[3]));
        } else {
          errors.add(new Failed(f[0], f[1], f[2], f[3]));
        }
      }
      return new DeleteResultBody(deleted, errors);
    } catch (StrictXmlReader.Malformed e) {
      return null;
    }
  }

  /** The same result with {@code more} errors added after the backend's. */
  public DeleteResultBody withErrors(List<Failed> more) {
    List<Failed> all = new ArrayList<>(errors);
    all.addAll(more);
    return new DeleteResultBody(deleted, all);
  }

  public byte[] serialize() {
    return XmlDocuments.document(
            w -> {
              w.writeStartElement("DeleteResult");
              w.writeDefaultNamespace(StrictXmlReader.S3_NS);
              for (Deleted d : deleted) {
                w.writeStartElement("Deleted");
                XmlDocuments.optionalElement(w, "Key", d.key());
                XmlDocuments.optionalElement(w, "VersionId", d.versionId());
                XmlDocuments.optionalElement(w, "DeleteMarker", d.deleteMarker());
                XmlDocuments.optionalElement(w, "DeleteMarkerVersionId", d.deleteMarkerVersionId());
                w.writeEndElement();
              }
              for (Failed e : errors) {
                w.writeStartElement("Error");
                XmlDocuments.optionalElement(w, "Key", e.key());
                XmlDocuments.optionalElement(w, "VersionId", e.versionId());
                XmlDocuments.optionalElement(w, "Code", e.code());
                XmlDocuments.optionalElement(w, "Message", e.message());
                w.writeEndElement();
              }
              w.writeEndElement();
            })
        .getBytes(StandardCharsets.UTF_8);
  }
}
