package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PolicyParserTest {

  @Test
  void parsesElements() {
    Policy p = PolicyParser.parse("""
        {"Version": "2012-10-17", "Id": "p1", "Statement": [
          {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
          {"Effect": "Deny", "NotAction": ["s3:Get*"], "NotResource": "arn:aws:s3:::b/*",
           "Condition": {"StringEquals": {"aws:username": ["a", "b"]}}}]}""", PolicyType.IDENTITY, "inline");
    assertEquals("p1", p.id());
    assertEquals(2, p.statements().size());
    assertTrue(p.variablesEnabled());
    Statement deny = p.statements().get(1);
    assertNull(deny.sid());
    assertEquals(Effect.DENY, deny.effect());
    assertTrue(deny.notAction());
    assertTrue(deny.notResource());
    assertEquals(1, deny.conditions().size());
    assertEquals("aws:username", deny.conditions().get(0).lowerKey());
  }

  @Test
  void absentVersionDisablesVariables() {
    Policy p = PolicyParser.parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}",
        PolicyType.IDENTITY, "x");
    assertNull(p.version());
    assertFalse(p.variablesEnabled());
  }

  @Test
  void resourcePolicyPrincipalForms() {
    PolicyParser.parse("""
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": [
          "*", "123456789012", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/u",
          "arn:aws:iam::123456789012:role/r", "arn:aws:sts::123456789012:assumed-role/r/s",
          "arn:aws:sts::123456789012:federated-user/f"]}, "Action": "s3:*", "Resource": "*"}]}""",
        PolicyType.RESOURCE, "bucket");
  }

  @Test
  void malformedCarriesAwsText() {
    MalformedPolicyException e = assertThrows(MalformedPolicyException.class, () -> PolicyParser.parse(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotAction\":\"s3:Get*\","
            + "\"Resource\":\"*\"}]}", PolicyType.IDENTITY, "x"));
    assertEquals("Statement cannot contain both Action and NotAction.", e.getMessage());
    assertEquals("MalformedPolicyDocument", MalformedPolicyException.ERROR_CODE);
  }
}
