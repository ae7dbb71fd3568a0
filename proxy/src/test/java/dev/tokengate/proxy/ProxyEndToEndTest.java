package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proxy + S3Proxy backend, driven through the MinIO Java client and a raw client. */
@Timeout(120)
class ProxyEndToEndTest {
  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.defaults();

  static MinioClient minio;
  static RawS3Client raw;

  @BeforeAll
  static void clients() {
    minio =
        MinioClient.builder()
            .endpoint(proxy.endpoint())
            .region("us-east-1")
            .credentials(proxy.admin().accessKeyId(), proxy.admin().secretAccessKey())
            .build();
    raw = new RawS3Client(proxy.endpoint());
  }

  @Test
  void objectsWithAwkwardKeysRoundTrip() throws Exception {
    String bucket = "keys";
    minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    assertTrue(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    StringBuilder longKey = new StringBuilder();
    while (longKey.length() < 1024) {
      longKey.append(longKey.length() % 100 == 99 ? '/' : 'k');
    }
    longKey.setLength(1024);
    String[] keys = {"a b.txt", "a+b.txt", "ü/ß.txt", "x~y", "a*b(1)!.txt", longKey.toString()};
    for (String key : keys) {
      byte[] data = ("content of " + key).getBytes(StandardCharsets.UTF_8);
      minio.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(new ByteArrayInputStream(data), data.length, -1).build());
      try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
        assertArrayEquals(data, in.readAllBytes(), key);
      }
      StatObjectResponse stat = minio.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      assertEquals(data.length, stat.size(), key);
    }
    Set<String> listed = new HashSet<>();
    for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
      listed.add(r.get().objectName());
    }
    assertEquals(Set.of(keys), listed);
    for (String key : keys) {
      minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    }
    ErrorResponseException gone =
        assertThrows(
            ErrorResponseException.class,
            () -> minio.statObject(StatObjectArgs.builder().bucket(bucket).object("x~y").build()));
    assertEquals(404, gone.response().code());
    minio.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
  }

  @Test
  void multipartUploadAndRangedGet() throws Exception {
    String bucket = "multipart";
    minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    byte[] data = new byte[20 * 1024 * 1024];
    new Random(42).nextBytes(data);
    // Unknown size with a 5 MiB part size makes the client use a multipart upload.
    minio.putObject(
        PutObjectArgs.builder().bucket(bucket).object("big.bin")
            .stream(new ByteArrayInputStream(data), -1, 5 * 1024 * 1024).build());
    StatObjectResponse stat = minio.statObject(StatObjectArgs.builder().bucket(bucket).object("big.bin").build());
    assertEquals(data.length, stat.size());
    assertTrue(stat.etag().contains("-"), "a multipart ETag ends in -<parts>: " + stat.etag());
    try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object("big.bin").build())) {
      assertArrayEquals(data, in.readAllBytes());
    }
    try (InputStream in =
        minio.getObject(GetObjectArgs.builder().bucket(bucket).object("big.bin").offset(1000L).length(5000L).build())) {
      byte[] range = in.readAllBytes();
      assertEquals(5000, range.length);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 6000), range);
    }
    minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object("big.bin").build());
    minio.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
  }

  @Test
  void wrongSecretIsSignatureDoesNotMatch() throws Exception {
    MinioClient wrong =
        MinioClient.builder().endpoint(proxy.endpoint()).region("us-east-1")
            .credentials(proxy.admin().accessKeyId(), "not-the-secret-at-all-0000000000000000").build();
    ErrorResponseException e =
        assertThrows(ErrorResponseException.class, () -> wrong.bucketExists(BucketExistsArgs.builder().bucket("any").build()));
    assertEquals(403, e.response().code());
    HttpResponse<String> response =
        raw.send("GET", "/", new byte[0], proxy.admin().accessKeyId(), "wrong-secret-wrong-secret-wrong-secret-00",
            Instant.now(), Map.of());
    assertEquals(403, response.statusCode());
    assertEquals("SignatureDoesNotMatch", RawS3Client.element(response.body(), "Code"));
    assertNotNull(RawS3Client.element(response.body(), "StringToSign"));
    assertNotNull(RawS3Client.element(response.body(), "CanonicalRequest"));
    assertNotNull(RawS3Client.element(response.body(), "RequestId"));
    assertEquals(RawS3Client.element(response.body(), "RequestId"), response.headers().firstValue("x-amz-request-id").orElseThrow());
  }

  @Test
  void unknownKeyIsInvalidAccessKeyId() throws Exception {
    MinioClient unknown =
        MinioClient.builder().endpoint(proxy.endpoint()).region("us-east-1")
            .credentials("AKIANOTAKNOWNKEY0000", "whatever-secret-whatever-secret-whatever").build();
    ErrorResponseException e =
        assertThrows(ErrorResponseException.class, () -> unknown.makeBucket(MakeBucketArgs.builder().bucket("nope").build()));
    assertEquals("InvalidAccessKeyId", e.errorResponse().code());
    assertEquals(403, e.response().code());
  }

  @Test
  void requestDatedTwentyMinutesAgoIsTooSkewed() throws Exception {
    HttpResponse<String> response =
        raw.send("GET", "/", new byte[0], proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(),
            Instant.now().minus(Duration.ofMinutes(20)), Map.of());
    assertEquals(403, response.statusCode());
    assertEquals("RequestTimeTooSkewed", RawS3Client.element(response.body(), "Code"));
  }

  @Test
  void bodyNotMatchingItsSignedHashIsRefusedAndNotStored() throws Exception {
    String bucket = "hashcheck";
    minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    byte[] body = "the real body".getBytes(StandardCharsets.UTF_8);
    String otherHash = RawS3Client.sha256("another body".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        raw.send("PUT", "/" + bucket + "/k", body, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey(),
            Instant.now(), Map.of("x-amz-content-sha256", otherHash));
    assertEquals(400, response.statusCode(), response.body());
    assertEquals("XAmzContentSHA256Mismatch", RawS3Client.element(response.body(), "Code"));
    ErrorResponseException e =
        assertThrows(ErrorResponseException.class,
            () -> minio.statObject(StatObjectArgs.builder().bucket(bucket).object("k").build()));
    assertEquals(404, e.response().code());
    minio.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
  }
}
