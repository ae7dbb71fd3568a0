package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A bucket's tags: the {@code <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>} body
 * of PutBucketTagging, read strictly and checked as S3 checks it, and written back as
 * GetBucketTagging answers. The proxy keeps them itself (the backend may not), and policies
 * condition on them.
 *
 * <p>S3's rules: at most 50 tags; a key of 1 to 128 characters, a value of 0 to 256, both of
 * letters, digits, white space and {@code _ . : / = + - @}; no key twice; no key starting with
 * {@code aws:} (S3's own tags). Ceph RGW keeps a key given twice, as both values; that is
 * accepted only when asked for ({@link #parse}'s {@code repeatedKeys}).
 */
public final class BucketTagSet {
  public static final int MAX_TAGS = 50;
  public static final int MAX_KEY_CHARS = 128;
  public static final int MAX_VALUE_CHARS = 256;
  /**
   * The largest body read: 50 tags of the longest key and value, each character up to 4 bytes in
   * UTF-8 (an entity reference can take more, so 8 are allowed), with generous room for markup.
   */
  public static final int MAX_BYTES = 50 * (MAX_KEY_CHARS + MAX_VALUE_CHARS) * 8 + 16 * 1024;
  private static final Pattern CHARACTERS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  /** One tag, in the order given. */
  public record Tag(String key, String value) {}

  private final List<Tag> tags;
  /** Computed once: read on every request to a tagged bucket. */
  private final Map<String, List<String>> byKey;

  private BucketTagSet(List<Tag> tags) {
    this.tags = List.copyOf(tags);
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Tag t : tags) {
      values.computeIfAbsent(t.key(), k -> new ArrayList<>(1)).add(t.value());
    }
    values.replaceAll((k, v) -> List.copyOf(v));
    this.byKey = Collections.unmodifiableMap(values);
  }

  public List<Tag> tags() {
    return tags;
  }

  public boolean isEmpty() {
    return tags.isEmpty();
  }

  /**
   * The tags by key, in order, a key's values in order (more than one only for a set read with
   * repeated keys): what {@code aws:ResourceTag/KEY} holds.
   */
  public Map<String, List<String>> valuesByKey() {
    return byKey;
  }

  /**
   * Reads a PutBucketTagging body.
   *
   * @param repeatedKeys accept a key given twice, keeping both tags (Ceph RGW); S3 refuses it
   * @throws S3Exception MalformedXML when the body is not the document; InvalidTag (or BadRequest
   *     for too many tags) with S3's message when a tag breaks S3's rules
   */
  public static BucketTagSet parse(byte[] xml, boolean repeatedKeys) throws S3Exception {
    if (xml.length > MAX_BYTES) {
      throw new S3Exception(S3Error.MALFORMED_XML, "The XML you provided was larger than the maximum allowed size.");
    }
    List<Tag> tags = read(xml);
    if (tags.size() > MAX_TAGS) {
      throw new S3Exception(S3Error.BAD_REQUEST, "Bucket tag count cannot be greater than " + MAX_TAGS);
    }
    Set<String> keys = new HashSet<>();
    for (Tag t : tags) {
      check(t);
      if (!keys.add(t.key()) && !repeatedKeys) {
        throw new S3Exception(S3Error.INVALID_TAG, "Cannot provide multiple Tags with the same key");
      }
    }
    return new BucketTagSet(tags);
  }

  private static List<Tag> read(byte[] xml) throws S3Exception {
    List<Tag> tags = new ArrayList<>();
    TagSetXml.read(xml, (key, value) -> {
      if (key == null || value == null) { // a Tag needs a Key and a Value
        throw new S3Exception(S3Error.MALFORMED_XML);
      }
      tags.add(new Tag(key, value));
    });
    return tags;
  }

  private static void check(Tag t) throws S3Exception {
    String key = t.key();
    int keyChars = key.codePointCount(0, key.length());
    if (keyChars < 1 || keyChars > MAX_KEY_CHARS || !CHARACTERS.matcher(key).matches()) {
      throw new S3Exception(S3Error.INVALID_TAG, "The TagKey you have provided is invalid");
    }
    String value = t.value();
    if (value.codePointCount(0, value.length()) > MAX_VALUE_CHARS || !CHARACTERS.matcher(value).matches()) {
      throw new S3Exception(S3Error.INVALID_TAG, "The TagValue you have provided is invalid");
    }
    if (key.startsWith("aws:")) {
      throw new S3Exception(S3Error.INVALID_TAG, "System tags cannot be added/updated by requester");
    }
    if (key.regionMatches(true, 0, "aws:", 0, 4)) {
      throw new S3Exception(S3Error.INVALID_TAG, "Invalid Tag. Tags cannot start with \"aws:\"(case insensitive) "
          + "unless they are System Tags that start with \"aws:\"(case sensitive)");
    }
  }

  /** The document GetBucketTagging answers with. */
  public byte[] toXml() {
    StringBuilder out = new StringBuilder(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"" + StrictXmlReader.S3_NS + "\"><TagSet>");
    for (Tag t : tags) {
      out.append("<Tag><Key>");
      escape(out, t.key());
      out.append("</Key><Value>");
      escape(out, t.value());
      out.append("</Value></Tag>");
    }
    return out.append("</TagSet></Tagging>").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@link #check} lets no markup character through; escaped all the same, should the rules ever widen. */
  private static void escape(StringBuilder out, String text) {
    out.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
  }
}
