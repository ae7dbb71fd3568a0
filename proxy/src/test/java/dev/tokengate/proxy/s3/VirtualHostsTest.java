package dev.tokengate.proxy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualHostsTest {
  private final VirtualHosts hosts = new VirtualHosts(List.of("s3.example.com", "S3.Other.Test"));

  @Test
  void labelBeforeAConfiguredDomainIsTheBucket() throws S3Exception {
    assertEquals("photos", hosts.bucketOf("photos.s3.example.com"));
    assertEquals("photos", hosts.bucketOf("photos.s3.example.com:9000"));
    assertEquals("my.dotted.bucket", hosts.bucketOf("my.dotted.bucket.s3.example.com"));
    assertEquals("photos", hosts.bucketOf("PHOTOS.s3.other.test"), "host names are case-insensitive");
  }

  @Test
  void otherHostsArePathStyle() throws S3Exception {
    assertNull(hosts.bucketOf("s3.example.com"));
    assertNull(hosts.bucketOf("s3.example.com:9000"));
    assertNull(hosts.bucketOf("127.0.0.1:9000"));
    assertNull(hosts.bucketOf("[::1]:9000"));
    assertNull(hosts.bucketOf("photos.s3.example.com.evil.test"));
    assertNull(hosts.bucketOf(null));
    assertNull(new VirtualHosts(List.of()).bucketOf("photos.s3.example.com"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad_name.s3.example.com", "a..b.s3.example.com", ".s3.example.com:80",
      "-abc.s3.example.com", "ab.s3.example.com", "10.0.0.1.s3.example.com", "a%2fb.s3.example.com",
      "x234567890123456789012345678901234567890123456789012345678901234.s3.example.com"})
  void invalidLabelsAreInvalidBucketName(String host) {
    S3Exception e = assertThrows(S3Exception.class, () -> hosts.bucketOf(host));
    assertEquals(S3Error.INVALID_BUCKET_NAME, e.error());
  }
}
