package dev.tokengate.proxy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"abc", "my-bucket", "my.bucket.name", "a1b", "123", "1.2.3", "1.2.3.4.5",
      "a-b.c-d", "x23456789012345678901234567890123456789012345678901234567890123"})
  void valid(String name) {
    assertTrue(BucketName.isValid(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ab", "x234567890123456789012345678901234567890123456789012345678901234",
      "Bucket", "my_bucket", "-abc", "abc-", ".abc", "abc.", "a..b", "a.-b", "a-.b", "192.168.5.4",
      "my bucket", "my%2Fbucket", "a/b", "caf\u00e9", "a\u0000b", "a:b", "a@b"})
  void invalid(String name) {
    assertFalse(BucketName.isValid(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad_Name", "a..b"})
  void requireAnswersInvalidBucketNameWithTheName(String name) {
    S3Exception e = assertThrows(S3Exception.class, () -> BucketName.require(name));
    assertEquals(S3Error.INVALID_BUCKET_NAME, e.error());
    assertEquals(400, e.error().status());
    assertEquals(name, e.extraElements().get("BucketName"));
  }

  @Test
  void nullIsInvalid() {
    assertFalse(BucketName.isValid(null));
  }
}
