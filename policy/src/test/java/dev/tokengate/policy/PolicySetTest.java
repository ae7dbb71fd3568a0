package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySetTest {
  private static final String DOC = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}";

  @Test
  void rejectsPoliciesOfTheWrongKind() {
    Policy identity = PolicyParser.parse(DOC, PolicyType.IDENTITY, "i");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new PolicySet(List.of(), List.of(), List.of(identity), null));
    assertEquals("policy i is a IDENTITY policy but was given as SESSION", e.getMessage());
    assertThrows(IllegalStateException.class, () -> PolicySet.ofIdentity(List.of()).withBoundary(identity));
  }

  @Test
  void withersAddPolicies() {
    PolicySet set = PolicySet.ofIdentity(List.of(PolicyParser.parse(DOC, PolicyType.IDENTITY, "i")))
        .withSession(PolicyParser.parse(DOC, PolicyType.SESSION, "s"))
        .withBoundary(PolicyParser.parse(DOC, PolicyType.BOUNDARY, "b"))
        .withResource(null);
    assertEquals(1, set.session().size());
    assertEquals("b", set.boundary().name());
  }
}
