package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ManagedPoliciesTest {

  @Test
  void knowsTheNamedPolicies() {
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.S3_READ_ONLY).isPresent());
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.S3_FULL_ACCESS).isPresent());
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.ADMINISTRATOR_ACCESS).isPresent());
    assertTrue(ManagedPolicies.lookup("arn:aws:iam::aws:policy/ReadOnlyAccess").isEmpty());
    assertEquals(ManagedPolicies.S3_READ_ONLY, ManagedPolicies.lookup(ManagedPolicies.S3_READ_ONLY).get().name());
    assertEquals(PolicyType.BOUNDARY, ManagedPolicies.lookupAsBoundary(ManagedPolicies.S3_READ_ONLY).get().type());
  }
}
