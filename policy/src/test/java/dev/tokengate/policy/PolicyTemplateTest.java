package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PolicyTemplateTest {
  private final RequestContext context = RequestContext.of(Principal.user("123456789012", "alice", "AIDA1"),
      "s3:GetObject", "arn:aws:s3:::b/k").put("aws:PrincipalTag/team", "Eng");

  @Test
  void substitutesVariablesAndDefaults() {
    assertTrue(PolicyTemplate.compile("home/${aws:username}/*", true, true, false).matches(context, "home/alice/x"));
    assertTrue(PolicyTemplate.compile("${aws:PrincipalTag/dept, 'none'}", true, false, false).matches(context, "none"));
    assertFalse(PolicyTemplate.compile("${aws:PrincipalTag/dept}", true, false, false).matches(context, ""));
  }

  @Test
  void ignoreCaseAppliesToLiteralsAndValues() {
    assertTrue(PolicyTemplate.compile("TEAM-${aws:PrincipalTag/team}", true, false, true).matches(context, "team-eng"));
  }

  @Test
  void disabledVariablesAreLiteral() {
    assertTrue(PolicyTemplate.compile("${aws:username}", false, false, false).matches(context, "${aws:username}"));
  }

  @Test
  void escapesAreLiteral() {
    PolicyTemplate t = PolicyTemplate.compile("a${*}b${?}${$}", true, true, false);
    assertTrue(t.matches(context, "a*b?$"));
    assertFalse(t.matches(context, "axxb?$"));
  }
}
