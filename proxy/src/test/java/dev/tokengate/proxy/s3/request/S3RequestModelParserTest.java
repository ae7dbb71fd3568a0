package dev.tokengate.proxy.s3.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.S3Exception;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3RequestModelParserTest {

  private static S3RequestModel parse(String method, String target, String... headers) throws S3Exception {
    List<Map.Entry<String, String>> list = new ArrayList<>();
    list.add(Map.entry("Host", "127.0.0.1:9000"));
    for (int i = 0; i < headers.length; i += 2) {
      list.add(Map.entry(headers[i], headers[i + 1]));
    }
    return S3RequestModelParser.parse(method, target, list, null, false);
  }

  private static String refusal(String method, String target, String... headers) {
    return assertThrows(S3Exception.class, () -> parse(method, target, headers)).error().code();
  }

  @Test
  void plainObjectRequest() throws Exception {
    S3RequestModel m = parse("GET", "/bkt/dir/k.txt?versionId=3&x-id=GetObject", "Range", "bytes=0-1", "User-Agent", "t");
    assertEquals(S3Operation.GET_OBJECT, m.operation());
    assertEquals("bkt", m.bucket());
    assertEquals("dir/k.txt", m.key());
    assertEquals(Map.of("versionId", "3"), m.query());
    assertEquals("bytes=0-1", m.header("range"));
    assertNull(m.header("user-agent"), "read for aws:UserAgent, never forwarded");
    assertEquals("/bkt/dir/k.txt", m.canonicalPath());
    assertEquals("versionId=3", m.canonicalQuery());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/bkt/a+b|a+b|/bkt/a%2Bb",
      "/bkt/a%2Bb|a+b|/bkt/a%2Bb",
      "/bkt/a%20b|a b|/bkt/a%20b",
      "/bkt/%7Etilde~|~tilde~|/bkt/~tilde~",
      "/bkt/%2Dx|-x|/bkt/-x",
      "/bkt/a%2Fb|a/b|/bkt/a/b",
      "/bkt/%C3%BC%E6%97%A5|ü日|/bkt/%C3%BC%E6%97%A5",
      "/bkt/a//b|a//b|/bkt/a//b",
      "/bkt/a%25b|a%b|/bkt/a%25b",
  })
  void keysAreDecodedOnceAndReEncodedCanonically(String target, String key, String backendPath) throws Exception {
    S3RequestModel m = parse("GET", target);
    assertEquals(key, m.key());
    assertEquals(backendPath, m.canonicalPath());
  }

  @Test
  void rawUtf8InTheRequestLineIsReadAsUtf8() throws Exception {
    // Netty hands the request line over as ISO-8859-1 characters, one per byte.
    String latin1 = new String("/bkt/ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals("ü", parse("GET", latin1).key());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GET|/bkt/k%zz|InvalidURI",
      "GET|/bkt/k%4|InvalidURI",
      "GET|/bkt/k%|InvalidURI",
      "GET|/bkt/%C0%AF|InvalidURI",
      "GET|/bkt/%ED%A0%80|InvalidURI",
      "GET|/bkt/%FF|InvalidURI",
      "GET|/bkt/k%00|InvalidURI",
      "GET|/bkt/a/../k|InvalidURI",
      "GET|/bkt/a/%2E%2E/k|InvalidURI",
      "GET|/bkt/./k|InvalidURI",
      "GET|/bkt/..|InvalidURI",
      "GET|/bkt/a/.|InvalidURI",
      "GET|/bkt/k?%zz|InvalidURI",
      "GET|/bkt/k?versionId=%C0%AF|InvalidURI",
      "GET|//k|InvalidURI",
      "GET|http://evil/b/k|InvalidURI",
      "GET|/bkt/k#frag|InvalidURI",
      "GET|/bkt/k?x;tagging|InvalidArgument",
      "DELETE|/bkt/k?x;tagging|InvalidArgument",
      "PUT|/bkt/k?x;acl|InvalidArgument",
      "DELETE|/bkt?x;cors|InvalidArgument",
      "DELETE|/bkt/k?x;uploadId=1|InvalidArgument",
      "POST|/bkt/k?select&delete|InvalidArgument",
      "POST|/bkt/k?uploads&delete|InvalidArgument",
      "POST|/bkt/k?restore&delete|InvalidArgument",
      "GET|/bkt/k?acl&tagging|InvalidArgument",
      "GET|/bkt/k?versionId=1&versionId=2|InvalidArgument",
      "GET|/bkt?list-type=2&prefix=a&prefix=b|InvalidArgument",
      "GET|/bkt?list-type=2&x;prefix=public/&prefix=secret/|InvalidArgument",
      "GET|/bkt/k?versionId=|InvalidArgument",
      "PUT|/bkt/k?partNumber=0&uploadId=u|InvalidArgument",
      "PUT|/bkt/k?partNumber=10001&uploadId=u|InvalidArgument",
      "GET|/bkt/k?VersionId=1|InvalidArgument",
      "GET|/bkt/k?versioning|InvalidArgument",
      "GET|/?acl|InvalidArgument",
      "GET|/bkt?list-type=3|InvalidArgument",
      "GET|/bkt/k?torrent&acl|InvalidArgument",
      "PATCH|/bkt/k|MethodNotAllowed",
      "get|/bkt/k|MethodNotAllowed",
      "POST|/bkt/k|MethodNotAllowed",
      "DELETE|/|MethodNotAllowed",
      "GET|/bkt%2Fx/k|InvalidBucketName",
      "GET|/b!k/k|InvalidBucketName",
      "PUT|/UPPER|InvalidBucketName",
      "PUT|/ab|InvalidBucketName",
      "PUT|/192.168.1.1|InvalidBucketName",
      "GET|/h/k|InvalidBucketName",
      "GET|/bkt/k?X-Id=GetObject|InvalidArgument",
      "GET|/bkt/k?X-Amz-Signature=a&X-Amz-Signature=b|InvalidArgument",
      "GET|/bkt/k?x-id=GetObject&partNumber=1&uploadId=u|InvalidArgument",
  })
  void ambiguousRequestsAreRefused(String method, String target, String code) {
    assertEquals(code, refusal(method, target));
  }

  @Test
  void malformedDigestHeadersAreRefusedBeforeTheBody() throws Exception {
    assertEquals("BadDigest", refusal("PUT", "/bkt/k", "x-amz-checksum-sha256", "sailorjerry"));
    assertEquals("BadDigest", refusal("PUT", "/bkt/k", "x-amz-checksum-crc32", "AAAAAAAA"));
    assertEquals("InvalidDigest", refusal("PUT", "/bkt/k", "Content-MD5", "not-md5"));
    assertEquals(S3Operation.PUT_OBJECT, parse("PUT", "/bkt/k", "x-amz-checksum-crc32", "AAAAAA==",
        "Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==").operation());
  }

  @Test
  void thePostRedirectParametersAreDroppedOnListObjectsOnly() throws Exception {
    S3RequestModel list = parse("GET", "/bkt?bucket=bkt&key=a.txt&etag=%22abc%22&prefix=p");
    assertEquals(S3Operation.LIST_OBJECTS, list.operation());
    assertEquals(Map.of("prefix", "p"), list.query());
    assertEquals("InvalidArgument", refusal("GET", "/bkt/k?key=a"));
    assertEquals("InvalidArgument", refusal("GET", "/bkt?list-type=2&etag=x"));
    assertEquals("InvalidArgument", refusal("DELETE", "/bkt?key=a"));
  }

  @Test
  void partNumberOnAPlainGetIsGetObject() throws Exception {
    assertEquals(S3Operation.GET_OBJECT, parse("GET", "/bkt/k?partNumber=1").operation());
    assertEquals(S3Operation.HEAD_OBJECT, parse("HEAD", "/bkt/k?partNumber=2&versionId=v").operation());
  }

  @Test
  void tooManyParametersAreRefused() {
    String target = "/bkt/k?" + "a=1&".repeat(1100) + "acl";
    assertEquals("InvalidArgument", refusal("PUT", target));
  }

  @Test
  void keyOverThe1024ByteLimit() {
    assertEquals("KeyTooLongError", refusal("GET", "/bkt/" + "k".repeat(1025)));
  }

  @Test
  void sseS3AndKmsHeadersOnAReadAreRefusedNotDropped() throws Exception {
    for (String method : new String[] {"GET", "HEAD"}) {
      assertEquals("InvalidArgument", refusal(method, "/bkt/k", "x-amz-server-side-encryption", "aws:kms"));
      assertEquals("InvalidArgument",
          refusal(method, "/bkt/k", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "testkey-1"));
    }
    // SSE-C is how a read names its key; and a write may carry SSE headers.
    assertEquals(S3Operation.GET_OBJECT, parse("GET", "/bkt/k",
        "x-amz-server-side-encryption-customer-algorithm", "AES256").operation());
    assertEquals(S3Operation.PUT_OBJECT, parse("PUT", "/bkt/k", "x-amz-server-side-encryption", "aws:kms",
        "content-length", "0").operation());
  }

  @Test
  void keyLimitCountsUtf8BytesNotChars() throws Exception {
    String e2 = "%C3%A9"; // é, 2 bytes
    String e4 = "%F0%9F%98%80"; // 😀, 4 bytes, two chars
    assertEquals(512, parse("GET", "/bkt/" + e2.repeat(512)).key().length());
    assertEquals("KeyTooLongError", refusal("GET", "/bkt/" + e2.repeat(512) + "k"));
    assertEquals(512, parse("GET", "/bkt/" + e4.repeat(256)).key().length());
    assertEquals("KeyTooLongError", refusal("GET", "/bkt/" + e4.repeat(256) + "k"));
    assertEquals(1024, parse("GET", "/bkt/" + "k".repeat(1024)).key().length());
  }

  @Test
  void dotSegmentsAnywhereAreRefusedButDotsInNamesAreNot() throws Exception {
    for (String key : new String[] {".", "..", "a/./b", "a/../b", "a/..", "./a", "a/."}) {
      assertEquals("InvalidURI", refusal("GET", "/bkt/" + key), key);
    }
    for (String key : new String[] {"...", ".a", "a.", "a/.../b", "..a/b", "a/b..", "a//b"}) {
      assertEquals(key, parse("GET", "/bkt/" + key).key());
    }
  }

  @Test
  void queryPlusIsASpace() throws Exception {
    S3RequestModel m = parse("GET", "/bkt?prefix=a+b&delimiter=%2F");
    assertEquals("a b", m.query().get("prefix"));
    assertEquals("prefix=a%20b&delimiter=%2F", m.canonicalQuery());
  }

  @Test
  void encodedParameterNamesAreDecoded() throws Exception {
    assertEquals(S3Operation.GET_OBJECT_ACL, parse("GET", "/bkt/k?%61cl").operation());
  }

  @Test
  void presignAuthenticationParametersAreNotForwarded() throws Exception {
    S3RequestModel m = parse("GET", "/bkt/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Date=d"
        + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=s&X-Amz-Security-Token=t&response-content-type=a/b");
    assertEquals(Map.of("response-content-type", "a/b"), m.query());
  }

  @Test
  void headersDifferingInCaseAreOneRepeatedHeader() {
    assertEquals("InvalidArgument",
        refusal("PUT", "/mine/k", "X-Amz-Copy-Source", "/other/k", "x-amz-copy-source", "/mine/k"));
    assertEquals("InvalidArgument", refusal("PUT", "/bkt/k", "x-amz-acl", "private", "X-AMZ-ACL", "public-read"));
    assertEquals("InvalidArgument", refusal("PUT", "/bkt/k", "x-amz-meta-a", "1", "X-Amz-Meta-A", "2"));
  }

  @Test
  void onlyCannedAclsAreAccepted() throws Exception {
    assertEquals("public-read", parse("PUT", "/bkt/k", "x-amz-acl", "public-read").header("x-amz-acl"));
    assertEquals("InvalidArgument", refusal("PUT", "/bkt/k", "x-amz-acl", "private public-read"));
    assertEquals("InvalidArgument", refusal("PUT", "/bkt/k", "x-amz-acl", "PUBLIC-READ"));
  }

  @Test
  void headerValuesWithControlCharactersAreRefused() {
    assertEquals("InvalidArgument", refusal("PUT", "/bkt/k", "x-amz-meta-a", "x\r\nx-amz-acl: public-read"));
    assertEquals("InvalidArgument", refusal("PUT", "/bkt/k", "x-amz-meta-a", "x\u0000"));
  }

  @Test
  void onlyTheOperationsHeadersAreForwarded() throws Exception {
    S3RequestModel m = parse("PUT", "/bkt/k", "Content-Type", "text/plain", "x-amz-meta-a", "1",
        "x-amz-copy-source-range", "bytes=0-1", "Range", "bytes=0-1", "x-amz-unknown", "1", "Cookie", "c",
        "Authorization", "AWS4-HMAC-SHA256 …", "X-Amz-Date", "20260101T000000Z", "Content-Length", "3");
    List<String> names = m.headers().stream().map(S3RequestModel.Header::name).toList();
    assertEquals(List.of("content-type", "x-amz-meta-a"), names);
    assertEquals(3, m.contentLength());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/src/k|src|k|/src/k",
      "src/k|src|k|/src/k",
      "/src/a+b|src|a b|/src/a%20b",
      "/src/a%2Bb|src|a+b|/src/a%2Bb",
      "/src/a%20b|src|a b|/src/a%20b",
      "/src/dir%2Fk|src|dir/k|/src/dir/k",
      "/src/k?versionId=v1|src|k|/src/k?versionId=v1",
  })
  void copySourceIsParsedAndRebuilt(String header, String bucket, String key, String forwarded) throws Exception {
    S3RequestModel m = parse("PUT", "/dst/k", "x-amz-copy-source", header);
    assertEquals(S3Operation.COPY_OBJECT, m.operation());
    assertEquals(bucket, m.copySource().bucket());
    assertEquals(key, m.copySource().key());
    assertEquals(forwarded, m.header("x-amz-copy-source"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/src", "/src/", "src", "/", "/src/k?versionId=", "/src/k?partNumber=1", "/src/k?versionId=1&x=2",
      "/src/k%zz", "/src/../k", "arn:aws:s3:us-east-1:1:accesspoint/a/object/k", "/b%21/k",
  })
  void badCopySourcesAreRefused(String header) {
    assertEquals("InvalidArgument", refusal("PUT", "/dst/k", "x-amz-copy-source", header));
  }

  @Test
  void virtualHostedBucketsAreValidated() throws Exception {
    List<Map.Entry<String, String>> h = List.of(Map.entry("Host", "x"));
    assertEquals("k", S3RequestModelParser.parse("GET", "/k", h, "bucket", false).key());
    assertNull(S3RequestModelParser.parse("GET", "/", h, "bucket", false).key());
    assertEquals("InvalidBucketName",
        assertThrows(S3Exception.class, () -> S3RequestModelParser.parse("GET", "/k", h, "bad_bucket", false))
            .error().code());
  }

  @Test
  void flagSubResourcesAreForwardedWithoutValue() throws Exception {
    S3RequestModel m = parse("GET", "/bkt/k?acl=whatever");
    assertEquals("acl=", m.canonicalQuery());
  }

  @Test
  void postFormUploadIsNotImplementedYet() {
    assertEquals("NotImplemented", refusal("POST", "/bkt", "Content-Type", "multipart/form-data; boundary=x"));
  }

  @Test
  void everyClassifiedOperationHasAParameterList() {
    for (S3Operation op : S3Operation.values()) {
      if (op != S3Operation.UNKNOWN && op != S3Operation.POST_OBJECT) {
        assertEquals(true, OperationParameters.covers(op), op.name());
      }
    }
  }
}
