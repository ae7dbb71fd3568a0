package dev.tokengate.proxy.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus, answered from {@link BucketPolicyStore}:
 * the proxy enforces bucket policies itself, so it must own them.
 */
final class BucketPolicyOperations implements BucketDocumentOperations {
  private static final Set<S3Operation> OPERATIONS = Set.of(S3Operation.PUT_BUCKET_POLICY,
      S3Operation.GET_BUCKET_POLICY, S3Operation.DELETE_BUCKET_POLICY, S3Operation.GET_BUCKET_POLICY_STATUS);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BucketPolicyStore store;

  BucketPolicyOperations(BucketPolicyStore store) {
    this.store = store;
  }

  @Override
  public Set<S3Operation> operations() {
    return OPERATIONS;
  }

  /** The limit counts characters; any of them takes at most 4 bytes in UTF-8. */
  @Override
  public int maxBodyBytes() {
    return 4 * BucketPolicyStore.MAX_BYTES;
  }

  @Override
  public S3Exception tooLarge() {
    return new S3Exception(S3Error.MALFORMED_POLICY, "Policy exceeds the maximum allowed document size.");
  }

  @Override
  public CompletableFuture<FullHttpResponse> answer(AuthorizedRequest r, byte[] body) throws S3Exception {
    String bucket = r.s3().bucket();
    return switch (r.operation()) {
      case PUT_BUCKET_POLICY -> {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.length() > BucketPolicyStore.MAX_BYTES) {
          throw tooLarge();
        }
        if (text.isBlank() || text.strip().charAt(0) != '{') {
          throw new S3Exception(S3Error.MALFORMED_POLICY);
        }
        try {
          boolean lockOut = "true".equalsIgnoreCase(r.head().headers().get("x-amz-confirm-remove-self-bucket-access"));
          yield store.put(bucket, text, lockOut).thenApply(v ->
              BucketDocumentOperations.response(r, HttpResponseStatus.NO_CONTENT, null, null));
        } catch (MalformedPolicyException e) {
          throw new S3Exception(S3Error.MALFORMED_POLICY, e.getMessage());
        }
      }
      case GET_BUCKET_POLICY -> CompletableFuture.completedFuture(BucketDocumentOperations.response(
          r, HttpResponseStatus.OK, "application/json", policyText(bucket).getBytes(StandardCharsets.UTF_8)));
      case DELETE_BUCKET_POLICY -> store.delete(bucket).thenApply(had ->
          BucketDocumentOperations.response(r, HttpResponseStatus.NO_CONTENT, null, null));
      case GET_BUCKET_POLICY_STATUS -> CompletableFuture.completedFuture(BucketDocumentOperations.response(
          r,
          HttpResponseStatus.OK,
          "application/xml",
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PolicyStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              + "<IsPublic>" + isPublic(policyText(bucket)) + "</IsPublic></PolicyStatus>")
              .getBytes(StandardCharsets.UTF_8)));
      default -> throw new IllegalStateException("not a bucket policy operation: " + r.operation());
    };
  }

  private String policyText(String bucket) throws S3Exception {
    return store.text(bucket).orElseThrow(() -> new S3Exception(
        S3Error.NO_SUCH_BUCKET_POLICY, S3Error.NO_SUCH_BUCKET_POLICY.defaultMessage(), Map.of("BucketName", bucket)));
  }

  @Override
  public boolean holds(String bucket) {
    return store.find(bucket) != null;
  }

  @Override
  public CompletableFuture<Boolean> delete(String bucket) {
    return store.delete(bucket);
  }

  /**
   * Public as AWS judges it, simplified: some Allow statement without conditions names every
   * principal ({@code "*"} or {@code {"AWS": "*"}}).
   */
  static boolean isPublic(String policyText) {
    JsonNode statements;
    try {
      statements = JSON.readTree(policyText).path("Statement");
    } catch (JsonProcessingException e) {
      return false;
    }
    for (JsonNode s : statements.isArray() ? statements : JSON.createArrayNode().add(statements)) {
      JsonNode principal = s.path("Principal");
      JsonNode aws = principal.isObject() ? principal.path("AWS") : principal;
      boolean everyone = "*".equals(aws.asText()) || (aws.isArray() && aws.toString().contains("\"*\""));
      if ("Allow".equals(s.path("Effect").asText()) && s.path("Condition").isMissingNode() && everyone) {
        return true;
      }
    }
    return false;
  }
}
