package dev.tokengate.proxy.s3.post;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ["content-length-range", min, max]}: the file part's size in bytes, both ends inclusive. */
record ContentLengthRange(long min, long max) implements PolicyCondition {

  void check(long fileBytes) throws S3Exception {
    if (fileBytes > max) {
      throw sizeError(S3Error.ENTITY_TOO_LARGE, fileBytes, "MaxSizeAllowed", max);
    }
    if (fileBytes < min) {
      throw sizeError(S3Error.ENTITY_TOO_SMALL, fileBytes, "MinSizeAllowed", min);
    }
  }

  /** S3 names the proposed size and the bound it broke after the message. */
  private static S3Exception sizeError(S3Error error, long proposed, String boundName, long bound) {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("ProposedSize", Long.toString(proposed));
    extra.put(boundName, Long.toString(bound));
    return new S3Exception(error, error.defaultMessage(), Collections.unmodifiableMap(extra));
  }
}
