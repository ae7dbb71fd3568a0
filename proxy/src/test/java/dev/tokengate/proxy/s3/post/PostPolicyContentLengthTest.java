package dev.tokengate.proxy.s3.post;

import static dev.tokengate.proxy.s3.post.PolicyDocuments.assertFails;
import static dev.tokengate.proxy.s3.post.PolicyDocuments.withConditions;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** content-length-range against the file part's size. */
class PostPolicyContentLengthTest {

  @Test
  void sizesWithinTheRangeBothEndsIncludedPass() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['content-length-range', 10, 20]]");
    for (long size : new long[] {10, 15, 20}) {
      assertDoesNotThrow(() -> p.checkContentLength(size), "size " + size);
    }
  }

  @Test
  void overTheMaximumIsEntityTooLarge() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['content-length-range', 10, 20]]");
    assertFails(S3Error.ENTITY_TOO_LARGE, 400, "Your proposed upload exceeds the maximum allowed size",
        () -> p.checkContentLength(21));
    S3Exception e = assertThrows(S3Exception.class, () -> p.checkContentLength(21));
    assertEquals("EntityTooLarge", e.code());
    assertEquals(List.of(Map.entry("ProposedSize", "21"), Map.entry("MaxSizeAllowed", "20")),
        List.copyOf(e.extraElements().entrySet()));
  }

  @Test
  void underTheMinimumIsEntityTooSmall() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}, ['content-length-range', 10, 20]]");
    assertFails(S3Error.ENTITY_TOO_SMALL, 400, "Your proposed upload is smaller than the minimum allowed object size.",
        () -> p.checkContentLength(9));
    S3Exception e = assertThrows(S3Exception.class, () -> p.checkContentLength(9));
    assertEquals("EntityTooSmall", e.code());
    assertEquals(List.of(Map.entry("ProposedSize", "9"), Map.entry("MinSizeAllowed", "10")),
        List.copyOf(e.extraElements().entrySet()));
  }

  @Test
  void anEmptyFileMeetsAZeroMinimum() throws Exception {
    PostPolicy p = withConditions("[['content-length-range', 0, 0]]");
    assertDoesNotThrow(() -> p.checkContentLength(0));
    assertFails(S3Error.ENTITY_TOO_LARGE, 400, S3Error.ENTITY_TOO_LARGE.defaultMessage(),
        () -> p.checkContentLength(1));
  }

  @Test
  void withoutTheConditionAnySizePasses() throws Exception {
    PostPolicy p = withConditions("[{'bucket': 'b'}]");
    assertDoesNotThrow(() -> p.checkContentLength(0));
    assertDoesNotThrow(() -> p.checkContentLength(Long.MAX_VALUE));
  }

  @Test
  void theWholeLongRangeIsAccepted() throws Exception {
    PostPolicy p = withConditions("[['content-length-range', 0, " + Long.MAX_VALUE + "]]");
    assertDoesNotThrow(() -> p.checkContentLength(Long.MAX_VALUE));
  }

  @Test
  void everyRangeMustHold() throws Exception {
    PostPolicy p = withConditions("[['content-length-range', 0, 100], ['content-length-range', 50, 200]]");
    assertDoesNotThrow(() -> p.checkContentLength(75));
    assertFails(S3Error.ENTITY_TOO_SMALL, 400, S3Error.ENTITY_TOO_SMALL.defaultMessage(),
        () -> p.checkContentLength(25));
    assertFails(S3Error.ENTITY_TOO_LARGE, 400, S3Error.ENTITY_TOO_LARGE.defaultMessage(),
        () -> p.checkContentLength(150));
  }
}
