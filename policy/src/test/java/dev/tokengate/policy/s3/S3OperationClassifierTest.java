package dev.tokengate.policy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class S3OperationClassifierTest {

  @Test
  void classifiesByMethodLevelAndSubresource() {
    assertEquals(S3Operation.LIST_BUCKETS, S3OperationClassifier.classify(S3Request.of("GET", null, null, Map.of())));
    assertEquals(S3Operation.LIST_OBJECTS_V2,
        S3OperationClassifier.classify(S3Request.of("GET", "b", null, Map.of("list-type", "2"))));
    assertEquals(S3Operation.LIST_OBJECTS, S3OperationClassifier.classify(S3Request.of("GET", "b", null, Map.of())));
    assertEquals(S3Operation.LIST_BUCKET_INVENTORY,
        S3OperationClassifier.classify(S3Request.of("GET", "b", null, Map.of("inventory", ""))));
    assertEquals(S3Operation.GET_BUCKET_INVENTORY,
        S3OperationClassifier.classify(S3Request.of("GET", "b", null, Map.of("inventory", "", "id", "x"))));
    assertEquals(S3Operation.DELETE_OBJECTS,
        S3OperationClassifier.classify(S3Request.of("POST", "b", null, Map.of("delete", ""))));
    assertEquals(S3Operation.COPY_OBJECT, S3OperationClassifier.classify(
        new S3Request("PUT", "b", "k", Map.of(), Map.of("x-amz-copy-source", "s/k"))));
    assertEquals(S3Operation.UNKNOWN, S3OperationClassifier.classify(S3Request.of("OPTIONS", "b", "k", Map.of())));
  }
}
