package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionTest {
  private static final String SESSION = "arn:aws:sts::123456789012:assumed-role/ReadOnly/s1";

  private static Decision denied(Decision.Outcome outcome, Decision.Reason reason) {
    return new Decision(outcome, reason, List.of(), SESSION, "s3:PutObject", "arn:aws:s3:::b/k", null);
  }

  @Test
  void rendersAwsMessages() {
    String head = "User: " + SESSION + " is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::b/k\" ";
    assertEquals(head + "because no identity-based policy allows the s3:PutObject action",
        denied(Decision.Outcome.IMPLICIT_DENY, Decision.Reason.NO_IDENTITY_ALLOW).accessDeniedMessage());
    assertEquals(head + "because no session policy allows the s3:PutObject action",
        denied(Decision.Outcome.IMPLICIT_DENY, Decision.Reason.NO_SESSION_ALLOW).accessDeniedMessage());
    assertEquals(head + "because no permissions boundary allows the s3:PutObject action",
        denied(Decision.Outcome.IMPLICIT_DENY, Decision.Reason.NO_BOUNDARY_ALLOW).accessDeniedMessage());
    assertEquals(head + "with an explicit deny in a session policy",
        denied(Decision.Outcome.EXPLICIT_DENY, Decision.Reason.EXPLICIT_DENY_SESSION).accessDeniedMessage());
    assertEquals(head + "with an explicit deny in an identity-based policy",
        denied(Decision.Outcome.EXPLICIT_DENY, Decision.Reason.EXPLICIT_DENY_IDENTITY).accessDeniedMessage());
    assertEquals(head + "with an explicit deny in a resource-based policy",
        denied(Decision.Outcome.EXPLICIT_DENY, Decision.Reason.EXPLICIT_DENY_RESOURCE).accessDeniedMessage());
  }

  @Test
  void allowedHasNoDenialMessage() {
    Decision allowed = new Decision(Decision.Outcome.ALLOW, Decision.Reason.ALLOWED, List.of(), SESSION, "s3:GetObject",
        "arn:aws:s3:::b/k", "");
    assertThrows(IllegalStateException.class, allowed::accessDeniedMessage);
  }

  @Test
  void traceNamesStatementsConditionsAndMissingKeys() {
    Policy p = PolicyParser.parse("""
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Ip", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
           "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
          {"Sid": "Home", "Effect": "Allow", "Action": "s3:GetObject",
           "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}""", PolicyType.IDENTITY, "inline");
    Principal session = Principal.fromArn(SESSION, null);
    Decision d = PolicyEvaluator.evaluate(PolicySet.ofIdentity(List.of(p)),
        RequestContext.of(session, "s3:GetObject", "arn:aws:s3:::b/s1/k"), true);
    assertEquals(Decision.Outcome.IMPLICIT_DENY, d.outcome());
    assertTrue(d.trace().contains("Sid \"Ip\""), d.trace());
    assertTrue(d.trace().contains("aws:SourceIp"), d.trace());
    assertTrue(d.trace().contains("key missing"), d.trace());
    assertTrue(d.trace().contains("variable aws:username has no value"), d.trace());
    assertTrue(d.summary().startsWith("IMPLICIT_DENY"));
  }
}
