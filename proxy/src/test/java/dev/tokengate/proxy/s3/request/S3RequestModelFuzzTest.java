package dev.tokengate.proxy.s3.request;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the strict S3 request model and the DeleteObjects body. Contract: a request is modelled or
 * refused with an {@link S3Exception} carrying a 4xx S3 error (or 501 NotImplemented), nothing else. A modelled request
 * re-parsed from the backend path and query it produces models the same bucket, key, query and
 * operation, so the backend reads exactly what was authorized.
 */
class S3RequestModelFuzzTest {

  private static final String[] HEADER_NAMES = {"host", "content-length", "x-amz-copy-source",
      "x-amz-decoded-content-length", "content-md5", "x-amz-acl", "range", "x-amz-date",
      "x-amz-content-sha256", "x-amz-meta-a", "If-Match", "transfer-encoding", "Content-Type"};
  private static final String[] METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE", "get", "PATCH"};

  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"/bucket/", "?", "&", "=", "%2F", "%C0%AF", "%00", "/../", "/./", "uploads",
      "uploadId=", "partNumber=", "versionId=", "delete", "tagging", "acl", "x-id=PutObject", "list-type=2",
      "prefix=", "X-Amz-Signature=", "+", ";"})
  void model(FuzzedDataProvider data) {
    String method = data.pickValue(METHODS);
    boolean virtualHost = data.consumeBoolean();
    String hostBucket = virtualHost ? data.consumeString(30) : null;
    boolean awsChunked = data.consumeBoolean();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    int n = data.consumeInt(0, 5);
    for (int i = 0; i < n; i++) {
      headers.add(new AbstractMap.SimpleEntry<>(data.pickValue(HEADER_NAMES), data.consumeString(80)));
    }
    String target = data.consumeRemainingAsString();
    S3RequestModel model;
    try {
      model = S3RequestModelParser.parse(method, target, headers, hostBucket, awsChunked);
    } catch (S3Exception refused) {
      requireClientError(refused);
      return;
    }
    String query = model.canonicalQuery();
    String backendTarget = model.canonicalPath() + (query.isEmpty() ? "" : "?" + query);
    S3RequestModel again;
    try {
      again = S3RequestModelParser.parse(method, backendTarget, headers, null, awsChunked);
    } catch (S3Exception e) {
      throw new AssertionError("the backend target " + backendTarget + " of an accepted request ("
          + target + ") is refused: " + e.code(), e);
    }
    if (!java.util.Objects.equals(model.bucket(), again.bucket())
        || !java.util.Objects.equals(model.key(), again.key())
        || !model.query().equals(again.query())
        || model.operation() != again.operation()) {
      throw new AssertionError("the backend target " + backendTarget + " reads differently from " + target
          + ": " + model + " vs " + again);
    }
  }

  @FuzzTest(maxDuration = "10m")
  @DictionaryEntries({"<Delete>", "</Delete>", "<Object>", "</Object>", "<Key>", "</Key>", "<VersionId>",
      "<Quiet>true</Quiet>", "<!DOCTYPE", "<!ENTITY", "SYSTEM", "file:///etc/passwd", "&xxe;",
      "xmlns=", "http://s3.amazonaws.com/doc/2006-03-01/", "<?xml version=\\x221.0\\x22?>", "<![CDATA[", "&#0;"})
  void deleteObjectsBody(byte[] body) {
    DeleteObjectsBody parsed;
    try {
      parsed = DeleteObjectsBody.parse(body);
    } catch (S3Exception refused) {
      requireClientError(refused);
      return;
    }
    if (parsed.entries().isEmpty() || parsed.entries().size() > DeleteObjectsBody.MAX_OBJECTS) {
      throw new AssertionError("accepted " + parsed.entries().size() + " objects");
    }
    // What is forwarded is the re-serialised body: it must parse back to the same entries.
    byte[] forwarded = parsed.serialize(parsed.entries());
    try {
      DeleteObjectsBody again = DeleteObjectsBody.parse(forwarded);
      if (!again.entries().equals(parsed.entries())) {
        throw new AssertionError("re-serialised body reads differently: "
            + new String(forwarded, StandardCharsets.UTF_8));
      }
    } catch (S3Exception e) {
      throw new AssertionError("re-serialised body refused: " + new String(forwarded, StandardCharsets.UTF_8), e);
    }
  }

  /** 4xx, or 501 NotImplemented for what S3 has but the proxy deliberately does not (browser POST uploads). */
  static void requireClientError(S3Exception refused) {
    if (refused.error() == S3Error.NOT_IMPLEMENTED) {
      return;
    }
    if (refused.error() == null || refused.error().status() < 400 || refused.error().status() >= 500) {
      throw new AssertionError("a refusal must be a 4xx S3 error, got " + refused.code(), refused);
    }
  }
}
