package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessKeyGeneratorTest {
  private final AccessKeyGenerator keys = new AccessKeyGenerator(Sessions.seededRandom(11));

  @Test
  void makesIdsAndSecretsInAwsShapes() {
    for (int i = 0; i < 100; i++) {
      String temporary = keys.temporaryAccessKeyId();
      assertTrue(temporary.matches("ASIA[A-Z2-7]{16}"), temporary);
      assertTrue(AccessKeyGenerator.isTemporary(temporary));
      String longTerm = keys.longTermAccessKeyId();
      assertTrue(longTerm.matches("AKIA[A-Z2-7]{16}"), longTerm);
      assertFalse(AccessKeyGenerator.isTemporary(longTerm));
      String secret = keys.secretAccessKey();
      assertTrue(secret.matches("[A-Za-z0-9+/]{40}"), secret);
    }
  }

  @Test
  void doesNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      seen.add(keys.temporaryAccessKeyId());
      seen.add(keys.secretAccessKey());
    }
    assertEquals(2000, seen.size());
  }
}
