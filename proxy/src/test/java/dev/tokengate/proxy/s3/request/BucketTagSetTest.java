package dev.tokengate.proxy.s3.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketTagSetTest {
  private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  private static String doc(String... keyValues) {
    StringBuilder sb = new StringBuilder("<Tagging xmlns=\"" + NS + "\"><TagSet>");
    for (int i = 0; i < keyValues.length; i += 2) {
      sb.append("<Tag><Key>").append(keyValues[i]).append("</Key><Value>").append(keyValues[i + 1])
          .append("</Value></Tag>");
    }
    return sb.append("</TagSet></Tagging>").toString();
  }

  private static BucketTagSet parse(String xml, boolean repeatedKeys) throws S3Exception {
    return BucketTagSet.parse(xml.getBytes(StandardCharsets.UTF_8), repeatedKeys);
  }

  private static S3Exception refused(String xml) {
    return assertThrows(S3Exception.class, () -> parse(xml, false));
  }

  @Test
  void readsTagsInOrderAndWritesThemBack() throws Exception {
    BucketTagSet tags = parse("<?xml version=\"1.0\"?>\n" + doc("Team", "Data Eng", "cost-center", "", "a.b:c/d=e+f@g_h", "ü 1")
        + "<!-- end -->", false);
    assertEquals(List.of(new BucketTagSet.Tag("Team", "Data Eng"), new BucketTagSet.Tag("cost-center", ""),
        new BucketTagSet.Tag("a.b:c/d=e+f@g_h", "ü 1")), tags.tags());
    assertEquals(Map.of("Team", List.of("Data Eng"), "cost-center", List.of(""), "a.b:c/d=e+f@g_h", List.of("ü 1")),
        tags.valuesByKey());
    BucketTagSet again = BucketTagSet.parse(tags.toXml(), false);
    assertEquals(tags.tags(), again.tags());
    assertTrue(new String(tags.toXml(), StandardCharsets.UTF_8).startsWith("<?xml"));
  }

  @Test
  void anEmptyTagSetIsEmpty() throws Exception {
    assertTrue(parse("<Tagging><TagSet/></Tagging>", false).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "not xml",
      "<Tagging/>",
      "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key><Key>l</Key><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Extra/></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key a=\"1\">k</Key><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key><b/></Key><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet></TagSet><TagSet></TagSet></Tagging>",
      "<Tagging><TagSet></TagSet></Tagging><Tagging/>",
      "<Tagging xmlns=\"urn:other\"><TagSet></TagSet></Tagging>",
      "<Other><TagSet></TagSet></Other>",
      "<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Tagging><TagSet><Tag><Key>&x;</Key><Value>v</Value></Tag></TagSet></Tagging>",
  })
  void malformedDocumentsAreMalformedXml(String xml) {
    assertEquals(S3Error.MALFORMED_XML, refused(xml).error());
  }

  @Test
  void aKeyGivenTwiceIsRefusedAsS3DoesOrKeptAsRgwDoes() throws Exception {
    String twice = doc("Department", "Engineering", "Department", "Marketing");
    S3Exception e = refused(twice);
    assertEquals(S3Error.INVALID_TAG, e.error());
    assertEquals("Cannot provide multiple Tags with the same key", e.getMessage());
    BucketTagSet kept = parse(twice, true);
    assertEquals(2, kept.tags().size());
    assertEquals(Map.of("Department", List.of("Engineering", "Marketing")), kept.valuesByKey());
    assertEquals(kept.tags(), BucketTagSet.parse(kept.toXml(), true).tags());
    // Keys are case-sensitive: these are two keys.
    assertEquals(2, parse(doc("dept", "a", "Dept", "b"), false).tags().size());
  }

  @Test
  void fiftyTagsAtMost() throws Exception {
    String[] fifty = IntStream.range(0, 100).mapToObj(i -> i % 2 == 0 ? "k" + i : "v").toArray(String[]::new);
    assertEquals(50, parse(doc(fifty), false).tags().size());
    String[] more = IntStream.range(0, 102).mapToObj(i -> i % 2 == 0 ? "k" + i : "v").toArray(String[]::new);
    S3Exception e = refused(doc(more));
    assertEquals(S3Error.BAD_REQUEST, e.error());
    assertEquals("Bucket tag count cannot be greater than 50", e.getMessage());
  }

  @Test
  void keysAndValuesWithinTheirLengthsCountedInCharacters() throws Exception {
    String key128 = "\uD801\uDC00".repeat(128); // U+10400, a letter: 256 UTF-16 units, 128 characters
    String value256 = "é".repeat(256);
    assertEquals(1, parse(doc(key128, value256), false).tags().size());
    S3Exception longKey = refused(doc("k".repeat(129), "v"));
    assertEquals(S3Error.INVALID_TAG, longKey.error());
    assertEquals("The TagKey you have provided is invalid", longKey.getMessage());
    assertEquals("The TagKey you have provided is invalid", refused(doc("", "v")).getMessage());
    S3Exception longValue = refused(doc("k", "v".repeat(257)));
    assertEquals(S3Error.INVALID_TAG, longValue.error());
    assertEquals("The TagValue you have provided is invalid", longValue.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a*b", "a&amp;b", "a#b", "a\tb", "a,b", "a;b", "a?b", "a%b", "a\"b", "a'b"})
  void charactersOutsideTheAllowedSetAreRefused(String text) {
    assertEquals("The TagKey you have provided is invalid", refused(doc(text, "v")).getMessage());
    assertEquals("The TagValue you have provided is invalid", refused(doc("k", text)).getMessage());
  }

  @Test
  void theAwsPrefixIsReserved() {
    S3Exception system = refused(doc("aws:cloudformation:stack-name", "x"));
    assertEquals(S3Error.INVALID_TAG, system.error());
    assertEquals("System tags cannot be added/updated by requester", system.getMessage());
    S3Exception anyCase = refused(doc("AWS:owner", "x"));
    assertEquals(S3Error.INVALID_TAG, anyCase.error());
    assertTrue(anyCase.getMessage().startsWith("Invalid Tag. Tags cannot start with \"aws:\""), anyCase.getMessage());
  }

  @Test
  void anOversizedBodyIsRefusedUnread() {
    String huge = "<Tagging><TagSet>" + IntStream.range(0, 2000).mapToObj(i -> "<Tag><Key>k</Key><Value>"
        + "v".repeat(100) + "</Value></Tag>").collect(Collectors.joining()) + "</TagSet></Tagging>";
    S3Exception e = refused(huge);
    assertEquals(S3Error.MALFORMED_XML, e.error());
    assertTrue(e.getMessage().contains("larger than the maximum allowed size"), e.getMessage());
  }
}
