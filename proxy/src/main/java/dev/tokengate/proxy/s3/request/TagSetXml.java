package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;

/**
 * The one reader of a {@code <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>}
 * document, for bucket tags ({@link BucketTagSet}) and the POST form's object tags ({@link
 * TaggingBody}): strict in shape (anything else is MalformedXML), each tag handed on in document
 * order, its Key or Value null when the tag lacks one, for the caller's own rule.
 */
final class TagSetXml {
  /** Sees each tag as it is read; may refuse it. */
  @FunctionalInterface
  interface TagVisitor {
    void tag(String key, String value) throws S3Exception;
  }

  private TagSetXml() {}

  static void read(byte[] xml, TagVisitor visitor) throws S3Exception {
    try (StrictXmlReader r = new StrictXmlReader(xml)) {
      expect(r.nextChild(), "Tagging");
      expect(r.nextChild(), "TagSet");
      String tag;
      while ((tag = r.nextChild()) != null) {
        expect(tag, "Tag");
        String key = null;
        String value = null;
        String child;
        while ((child = r.nextChild()) != null) {
          if (child.equals("Key") && key == null) {
            key = r.text();
          } else if (child.equals("Value") && value == null) {
            value = r.text();
          } else {
            throw new StrictXmlReader.Malformed("unexpected " + child);
          }
        }
        visitor.tag(key, value);
      }
      if (r.nextChild() != null) {
        throw new StrictXmlReader.Malformed("content after TagSet");
      }
      r.expectEnd();
    } catch (StrictXmlReader.Malformed e) {
      throw new S3Exception(S3Error.MALFORMED_XML);
    }
  }

  private static void expect(String name, String expected) throws StrictXmlReader.Malformed {
    if (!expected.equals(name)) {
      throw new StrictXmlReader.Malformed("expected " + expected);
    }
  }
}
