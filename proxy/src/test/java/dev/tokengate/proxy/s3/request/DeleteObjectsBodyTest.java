package dev.tokengate.proxy.s3.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeleteObjectsBodyTest {
  private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  private static DeleteObjectsBody parse(String xml) throws S3Exception {
    return DeleteObjectsBody.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsKeysVersionsAndQuiet() throws Exception {
    DeleteObjectsBody b = parse("<?xml version=\"1.0\"?><Delete xmlns=\"" + NS + "\"><Quiet>true</Quiet>"
        + "<Object><Key> a &amp; b </Key></Object><Object><Key><![CDATA[c<d]]></Key><VersionId>v</VersionId></Object>"
        + "<!-- c --></Delete>");
    assertEquals(true, b.quiet());
    assertEquals(List.of(" a & b ", "c<d"), b.entries().stream().map(DeleteObjectsBody.Entry::key).toList());
    assertEquals("v", b.entries().get(1).versionId());
  }

  @Test
  void reserialisesOnlyWhatItParsed() throws Exception {
    DeleteObjectsBody b = parse("<Delete><Object><Key>x</Key></Object><Object><Key>y</Key></Object></Delete>");
    String out = new String(b.serialize(List.of(b.entries().get(1))), StandardCharsets.UTF_8);
    assertEquals(List.of("y"), parse(out).entries().stream().map(DeleteObjectsBody.Entry::key).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
      "<Delete><Object><Key x=\"1\">a</Key></Object></Delete>",
      "<Delete><Object Key=\"b\"><Key>a</Key></Object></Delete>",
      "<Delete><Object><Key>a<b>c</b></Key></Object></Delete>",
      "<Delete><Object><Key></Key></Object></Delete>",
      "<Delete><Object></Object></Delete>",
      "<Delete></Delete>",
      "<Delete><Quiet>yes</Quiet><Object><Key>a</Key></Object></Delete>",
      "<Delete><Object><Key>a</Key></Object><Other/></Delete>",
      "<Delete><Object><Key>a</Key><Owner>x</Owner></Object></Delete>",
      "<Delete xmlns=\"urn:other\"><Object><Key>a</Key></Object></Delete>",
      "<Delete><Object><Key>a</Key></Object>text</Delete>",
      "<Delete><Object><Key>a</Key></Object></Delete><Delete/>",
      "<!DOCTYPE d [<!ENTITY e \"k\">]><Delete><Object><Key>&e;</Key></Object></Delete>",
      "<!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Delete><Object><Key>&e;</Key></Object></Delete>",
      "<Delete><Object><Key>a</Key></Object>",
      "not xml",
      "",
      "<Other><Object><Key>a</Key></Object></Other>",
      "<Delete><Object><Key>a</Key><VersionId></VersionId></Object></Delete>",
  })
  void refusesWhatCouldBeReadTwoWays(String xml) {
    assertEquals("MalformedXML", assertThrows(S3Exception.class, () -> parse(xml)).error().code());
  }

  @Test
  void atMostAThousandObjects() {
    String xml = "<Delete>" + "<Object><Key>k</Key></Object>".repeat(1001) + "</Delete>";
    assertEquals("MalformedXML", assertThrows(S3Exception.class, () -> parse(xml)).error().code());
  }

  @Test
  void mergesDeniedEntriesIntoTheBackendsResult() {
    DeleteResultBody r = DeleteResultBody.parse(("<DeleteResult xmlns=\"" + NS + "\"><Deleted><Key>a</Key></Deleted>"
        + "</DeleteResult>").getBytes(StandardCharsets.UTF_8));
    String merged = new String(
        r.withErrors(List.of(new DeleteResultBody.Failed("b", null, "AccessDenied", "no"))).serialize(),
        StandardCharsets.UTF_8);
    DeleteResultBody again = DeleteResultBody.parse(merged.getBytes(StandardCharsets.UTF_8));
    assertEquals("a", again.deleted().get(0).key());
    assertEquals("b", again.errors().get(0).key());
    assertEquals("AccessDenied", again.errors().get(0).code());
  }
}
