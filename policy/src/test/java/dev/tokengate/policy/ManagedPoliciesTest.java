package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedPoliciesTest {

  @Test
  void knowsTheNamedPolicies() {
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.S3_READ_ONLY).isPresent());
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.S3_FULL_ACCESS).isPresent());
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.IAM_READ_ONLY).isPresent());
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.IAM_FULL_ACCESS).isPresent());
    assertTrue(ManagedPolicies.lookup(ManagedPolicies.ADMINISTRATOR_ACCESS).isPresent());
    assertTrue(ManagedPolicies.lookup("arn:aws:iam::aws:policy/ReadOnlyAccess").isEmpty());
    assertEquals(ManagedPolicies.S3_READ_ONLY, ManagedPolicies.lookup(ManagedPolicies.S3_READ_ONLY).get().name());
    assertEquals(PolicyType.BOUNDARY, ManagedPolicies.lookupAsBoundary(ManagedPolicies.S3_READ_ONLY).get().type());
  }

  @Test
  void iamReadOnlyAccessReadsIamButChangesNothing() {
    PolicySet set = PolicySet.ofIdentity(List.of(ManagedPolicies.lookup(ManagedPolicies.IAM_READ_ONLY).orElseThrow()));
    Principal p = Principal.user("123456789012", "auditor", "AIDAAUDITOR000000001");
    assertTrue(PolicyEvaluator.evaluate(set, RequestContext.of(p, "iam:ListRoles", "*")).allowed());
    assertTrue(PolicyEvaluator.evaluate(set, RequestContext.of(p, "iam:GetUser",
        "arn:aws:iam::123456789012:user/x")).allowed());
    assertFalse(PolicyEvaluator.evaluate(set, RequestContext.of(p, "iam:CreateUser",
        "arn:aws:iam::123456789012:user/x")).allowed());
    assertFalse(PolicyEvaluator.evaluate(set, RequestContext.of(p, "s3:GetObject", "arn:aws:s3:::b/k")).allowed());
  }
}
