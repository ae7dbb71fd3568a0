package dev.tokengate.proxy.s3.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.XxeProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DeleteObjects reader (StrictXmlReader) refuses DTDs and entities as MalformedXML and fetches nothing. */
class DeleteObjectsBodyXxeTest {

  @Test
  void dtdsAndEntitiesAreMalformedXmlAndNothingIsFetched(@TempDir Path dir) throws Exception {
    try (XxeProbe probe = new XxeProbe(dir)) {
      for (byte[] doc : probe.documents("Delete", "Object")) {
        String text = new String(doc, StandardCharsets.UTF_8);
        S3Exception e = assertThrows(S3Exception.class, () -> DeleteObjectsBody.parse(doc), text);
        assertEquals("MalformedXML", e.code(), text);
        assertFalse(String.valueOf(e.getMessage()).contains(XxeProbe.MARKER), text);
      }
      assertEquals(0, probe.connections(), "the parser fetched an external DTD or entity");
    }
  }

  /** Found by S3RequestModelFuzzTest: an undeclared entity in text escaped as WstxLazyException (a 500). */
  @Test
  void undeclaredEntityInTextIsMalformedXml() {
    for (String body : new String[] {"<Delete>|e&e>", "<Delete><Object><Key>a&b</Key></Object></Delete>"}) {
      S3Exception e = assertThrows(S3Exception.class,
          () -> DeleteObjectsBody.parse(body.getBytes(StandardCharsets.UTF_8)), body);
      assertEquals("MalformedXML", e.code(), body);
    }
  }
}
