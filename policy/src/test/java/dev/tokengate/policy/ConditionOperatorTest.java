package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConditionOperatorTest {

  @Test
  void parsesQualifierBaseAndIfExists() {
    ConditionOperator op = ConditionOperator.parse("ForAnyValue:StringLikeIfExists");
    assertEquals(ConditionOperator.Base.STRING_LIKE, op.base());
    assertEquals(ConditionOperator.SetQualifier.FOR_ANY_VALUE, op.qualifier());
    assertTrue(op.ifExists());
    assertEquals("ForAnyValue:StringLikeIfExists", op.awsName());
    assertTrue(ConditionOperator.parse("NotIpAddress").base().negated());
  }

  @Test
  void everyBaseOperatorParses() {
    for (ConditionOperator.Base base : ConditionOperator.Base.values()) {
      assertEquals(base, ConditionOperator.parse(base.awsName()).base());
    }
  }

  @Test
  void rejectsUnknownAndNullIfExists() {
    assertThrows(MalformedPolicyException.class, () -> ConditionOperator.parse("StringEqualz"));
    assertThrows(MalformedPolicyException.class, () -> ConditionOperator.parse("NullIfExists"));
  }
}
