package dev.tokengate.proxy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend error-body reader resolves no entity and reads no DTD: such a body is not an error document. */
class S3ErrorBodyXxeTest {

  @Test
  void dtdsAndEntitiesAreRefusedAndNothingIsFetched(@TempDir Path dir) throws Exception {
    try (XxeProbe probe = new XxeProbe(dir)) {
      for (byte[] doc : probe.documents("Error", "Code")) {
        assertNull(S3ErrorBody.parse(doc), new String(doc, java.nio.charset.StandardCharsets.UTF_8));
      }
      assertEquals(0, probe.connections(), "the parser fetched an external DTD or entity");
    }
  }

  @Test
  void plainErrorDocumentStillParses() {
    S3ErrorBody.Parsed p = S3ErrorBody.parse("<Error><Code>NoSuchKey</Code><Message>m</Message></Error>"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("NoSuchKey", p.code());
  }
}
