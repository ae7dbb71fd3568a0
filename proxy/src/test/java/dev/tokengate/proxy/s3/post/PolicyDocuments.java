package dev.tokengate.proxy.s3.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.function.Executable;

/** Policy documents for the PostPolicy tests, written with ' for " so the JSON stays readable. */
final class PolicyDocuments {
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  static final String LATER = "2026-12-02T19:30:00Z";

  private PolicyDocuments() {}

  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  static String base64(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a policy expiring at {@link #LATER} with the given conditions (a JSON array, ' for "). */
  static PostPolicy withConditions(String conditions) throws S3Exception {
    return PostPolicy.parse(base64(json("{'expiration': '" + LATER + "', 'conditions': " + conditions + "}")));
  }

  /** Asserts the call fails with exactly this error, its status and message, and returns nothing else. */
  static void assertFails(S3Error error, int status, String message, Executable call) {
    S3Exception e = assertThrows(S3Exception.class, call);
    assertEquals(error, e.error());
    assertEquals(error.code(), e.code());
    assertEquals(status, e.status());
    assertEquals(message, e.getMessage());
  }

  /** Asserts the call fails as InvalidPolicyDocument (400) with a message starting with the prefix. */
  static S3Exception assertInvalidPolicy(String messagePrefix, Executable call) {
    S3Exception e = assertThrows(S3Exception.class, call);
    assertEquals(S3Error.INVALID_POLICY_DOCUMENT, e.error());
    assertEquals("InvalidPolicyDocument", e.code());
    assertEquals(400, e.status());
    if (!e.getMessage().startsWith(messagePrefix)) {
      throw new AssertionError("message '" + e.getMessage() + "' does not start with '" + messagePrefix + "'");
    }
    return e;
  }
}
