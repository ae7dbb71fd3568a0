package dev.tokengate.policy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CopySourceTest {

  @Test
  void parsesEncodedSourceWithVersion() {
    assertEquals(new CopySource("b", "a/é k", "v1"), CopySource.parse("/b/a%2F%C3%A9%20k?versionId=v1"));
    assertEquals(new CopySource("b", "k", null), CopySource.parse("b/k"));
  }

  @Test
  void rejectsWhatIsNotBucketSlashKey() {
    assertNull(CopySource.parse("b"));
    assertNull(CopySource.parse("/b/"));
    assertNull(CopySource.parse("arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k"));
    assertNull(CopySource.parse("b/k%zz"));
  }
}
