package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.PostPolicySignature;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Browser-form uploads (POST Object) and ACL grants, end to end against the real backend. */
@Timeout(60)
class PostObjectTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String BOUNDARY = "----tokengateFormBoundary7MA4YWxk";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults().acceptSigV2();

  private String newBucket(String acl) throws Exception {
    String bucket = "post-" + BUCKETS.incrementAndGet() + "-" + System.nanoTime() % 100000;
    HttpResponse<String> r = proxy.adminClient().send("PUT", "/" + bucket, new byte[0],
        acl == null ? Map.of() : Map.of("x-amz-acl", acl));
    assertEquals(200, r.statusCode(), r.body());
    return bucket;
  }

  private static byte[] form(Map<String, String> fields, String fileName, byte[] file, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.forEach((k, v) -> out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k
        + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
    out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(file);
    out.writeBytes(("\r\n" + after + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private HttpResponse<String> post(String bucket, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/" + bucket))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An unsigned GET, as a browser or an anonymous SDK client sends it. */
  private HttpResponse<String> anonymousGet(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String policy(String conditions) {
    String expiration = DateTimeFormatter.ISO_INSTANT.format(Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.SECONDS));
    String json = "{\"expiration\": \"" + expiration + "\", \"conditions\": [" + conditions + "]}";
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A SigV4-signed form: credential, date, algorithm and signature fields over {@code policy}. */
  private Map<String, String> signedV4(String bucket, String key, String extraConditions, String secretOverride) {
    String date = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    CredentialScope scope = new CredentialScope(date.substring(0, 8), "us-east-1", "s3");
    String credential = proxy.admin().accessKeyId() + "/" + scope;
    String policy = policy("{\"bucket\": \"" + bucket + "\"}, [\"starts-with\", \"$key\", \"\"],"
        + " {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}, {\"x-amz-credential\": \"" + credential + "\"},"
        + " {\"x-amz-date\": \"" + date + "\"}" + extraConditions);
    Map<String, String> f = new LinkedHashMap<>();
    f.put("key", key);
    f.put("x-amz-algorithm", "AWS4-HMAC-SHA256");
    f.put("x-amz-credential", credential);
    f.put("x-amz-date", date);
    f.put("policy", policy);
    f.put("x-amz-signature", PostPolicySignature.signV4(
        secretOverride != null ? secretOverride : proxy.admin().secretAccessKey(), scope, policy));
    return f;
  }

  @Test
  void signedV4UploadStoresTheFileWithItsFieldsAndAnswers204() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = signedV4(bucket, "dir/${filename}", ", {\"content-type\": \"text/plain\"},"
        + " [\"starts-with\", \"$x-amz-meta-color\", \"\"], [\"content-length-range\", 1, 3000000]", null);
    f.put("Content-Type", "text/plain");
    f.put("x-amz-meta-color", "blue");
    byte[] file = new byte[2_500_000];
    Arrays.fill(file, (byte) '-'); // dashes and CRLFs: close to the delimiter, never it
    for (int i = 0; i < file.length; i += 1000) {
      file[i] = '\r';
      file[i + 1] = '\n';
    }
    HttpResponse<String> r = post(bucket, form(f, "C:\\Users\\me\\notes.txt", file, ""));
    assertEquals(204, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("ETag").isPresent());
    assertArrayEquals(file, proxy.backend().read(bucket, "dir/notes.txt").orElseThrow());
    HttpResponse<String> head = proxy.adminClient().head("/" + bucket + "/dir/notes.txt");
    assertEquals("text/plain", head.headers().firstValue("Content-Type").orElse(""));
    assertEquals("blue", head.headers().firstValue("x-amz-meta-color").orElse(""));
  }

  @Test
  void successActionStatus201AnswersAPostResponseDocument() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = signedV4(bucket, "k.txt", ", {\"success_action_status\": \"201\"}", null);
    f.put("success_action_status", "201");
    HttpResponse<String> r = post(bucket, form(f, "x", "hello".getBytes(StandardCharsets.UTF_8), ""));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("k.txt", RawS3Client.element(r.body(), "Key"));
    assertEquals(bucket, RawS3Client.element(r.body(), "Bucket"));
    assertEquals(r.headers().firstValue("ETag").orElseThrow(), RawS3Client.element(r.body(), "ETag"));
  }

  @Test
  void wrongSecretIsSignatureDoesNotMatchAndNothingIsWritten() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = signedV4(bucket, "k", "", "not-the-secret");
    HttpResponse<String> r = post(bucket, form(f, "x", "data".getBytes(StandardCharsets.UTF_8), ""));
    assertEquals(403, r.statusCode(), r.body());
    assertEquals("SignatureDoesNotMatch", RawS3Client.element(r.body(), "Code"));
    assertFalse(proxy.backend().exists(bucket, "k"));
  }

  @Test
  void aFailedConditionIsAccessDeniedAndNothingIsWritten() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = signedV4(bucket, "k", ", {\"acl\": \"private\"}", null);
    f.put("acl", "public-read");
    HttpResponse<String> r = post(bucket, form(f, "x", "data".getBytes(StandardCharsets.UTF_8), ""));
    assertEquals(403, r.statusCode(), r.body());
    assertEquals("AccessDenied", RawS3Client.element(r.body(), "Code"));
    assertTrue(RawS3Client.element(r.body(), "Message").contains("Policy Condition failed"), r.body());
    assertFalse(proxy.backend().exists(bucket, "k"));
  }

  @Test
  void aFileLargerThanTheRangeIsEntityTooLarge() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = signedV4(bucket, "k", ", [\"content-length-range\", 0, 3]", null);
    HttpResponse<String> r = post(bucket, form(f, "x", "four".getBytes(StandardCharsets.UTF_8), ""));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("EntityTooLarge", RawS3Client.element(r.body(), "Code"));
    assertFalse(proxy.backend().exists(bucket, "k"));
  }

  @Test
  void fieldsAfterTheFileAreRefusedAndNothingIsWritten() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = signedV4(bucket, "k", "", null);
    String trailing = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"x-ignore-late\"\r\n\r\nv\r\n";
    HttpResponse<String> r = post(bucket, form(f, "x", new byte[200_000], trailing));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("MalformedPOSTRequest", RawS3Client.element(r.body(), "Code"));
    assertFalse(proxy.backend().exists(bucket, "k"));
  }

  @Test
  void sigV2FormIsVerifiedToo() throws Exception {
    String bucket = newBucket(null);
    String policy = policy("{\"bucket\": \"" + bucket + "\"}, {\"key\": \"v2\"}");
    Map<String, String> f = new LinkedHashMap<>();
    f.put("key", "v2");
    f.put("AWSAccessKeyId", proxy.admin().accessKeyId());
    f.put("policy", policy);
    f.put("signature", PostPolicySignature.signV2(proxy.admin().secretAccessKey(), policy));
    assertEquals(204, post(bucket, form(f, "x", "v2!".getBytes(StandardCharsets.UTF_8), "")).statusCode());
    assertArrayEquals("v2!".getBytes(StandardCharsets.UTF_8), proxy.backend().read(bucket, "v2").orElseThrow());
  }

  @Test
  void anonymousUploadNeedsABucketAclGrantingWrite() throws Exception {
    String bucket = newBucket(null);
    Map<String, String> f = new LinkedHashMap<>(Map.of("key", "anon.txt"));
    HttpResponse<String> denied = post(bucket, form(f, "x", "a".getBytes(StandardCharsets.UTF_8), ""));
    assertEquals(403, denied.statusCode(), denied.body());
    assertFalse(proxy.backend().exists(bucket, "anon.txt"));

    assertEquals(200, proxy.adminClient().send("PUT", "/" + bucket + "?acl", new byte[0],
        Map.of("x-amz-acl", "public-read-write")).statusCode());
    HttpResponse<String> allowed = post(bucket, form(f, "x", "a".getBytes(StandardCharsets.UTF_8), ""));
    assertEquals(204, allowed.statusCode(), allowed.body());
    assertTrue(proxy.backend().exists(bucket, "anon.txt"));
  }

  @Test
  void anonymousReadsFollowTheObjectAclAtOnceAfterTheProxysOwnChange() throws Exception {
    String bucket = newBucket(null);
    assertEquals(200, proxy.adminClient().send("PUT", "/" + bucket + "/pub", "x".getBytes(StandardCharsets.UTF_8),
        Map.of("x-amz-acl", "public-read")).statusCode());
    assertEquals(200, anonymousGet("/" + bucket + "/pub").statusCode());
    // The bucket itself is private: the key's absence is not told to an anonymous caller.
    assertEquals(403, anonymousGet("/" + bucket + "/missing").statusCode());
    assertEquals(403, anonymousGet("/" + bucket).statusCode());
    assertEquals(200, proxy.adminClient().send("PUT", "/" + bucket + "/pub?acl", new byte[0],
        Map.of("x-amz-acl", "private")).statusCode());
    assertEquals(403, anonymousGet("/" + bucket + "/pub").statusCode(), "the cached public-read was dropped");
    // An overwrite without an ACL resets it to private.
    assertEquals(200, proxy.adminClient().send("PUT", "/" + bucket + "/pub2", "y".getBytes(StandardCharsets.UTF_8),
        Map.of("x-amz-acl", "public-read")).statusCode());
    assertEquals(200, anonymousGet("/" + bucket + "/pub2").statusCode());
    assertEquals(200, proxy.adminClient().put("/" + bucket + "/pub2", "z").statusCode());
    assertEquals(403, anonymousGet("/" + bucket + "/pub2").statusCode());
  }

  @Test
  void anonymousCallersOfAGoneBucketOrKeyHearNotFoundWhenTheAclWouldTellThem() throws Exception {
    String bucket = newBucket("public-read");
    assertEquals(200, anonymousGet("/" + bucket).statusCode());
    HttpResponse<String> key = anonymousGet("/" + bucket + "/nothing-here");
    assertEquals(404, key.statusCode(), key.body());
    assertEquals("NoSuchKey", RawS3Client.element(key.body(), "Code"));
    assertEquals(204, proxy.adminClient().delete("/" + bucket).statusCode());
    HttpResponse<String> gone = anonymousGet("/" + bucket + "/nothing-here");
    assertEquals(404, gone.statusCode(), gone.body());
    assertEquals("NoSuchBucket", RawS3Client.element(gone.body(), "Code"));
  }
}
