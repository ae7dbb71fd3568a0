package dev.tokengate.policy.s3;

import java.util.List;

/**
 * What a classified S3 request must be allowed to do: every listed permission must be allowed.
 *
 * @param operation the classified operation ({@link S3Operation#UNKNOWN} means deny)
 * @param permissions the (action, resource) pairs to evaluate; empty for UNKNOWN
 * @param evaluatedPerKey true for DeleteObjects: each key in the body is authorized on its own with
 *     {@link S3ActionTable#deleteObjectsEntry}, in addition to nothing at bucket level
 */
public record S3Authorization(S3Operation operation, List<S3Permission> permissions, boolean evaluatedPerKey) {

  public S3Authorization {
    permissions = List.copyOf(permissions);
  }

  public boolean unknown() {
    return operation == S3Operation.UNKNOWN;
  }

  static S3Authorization unknownOperation() {
    return new S3Authorization(S3Operation.UNKNOWN, List.of(), false);
  }
}
