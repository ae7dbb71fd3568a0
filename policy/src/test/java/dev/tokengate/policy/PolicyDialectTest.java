package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Ceph RGW's tenant-less grammar beside AWS's: what each accepts, and what a principal then matches. */
class PolicyDialectTest {
  private static final String TRUST_TENANTLESS =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
          + "[\"arn:aws:iam:::user/alt\"]},\"Action\":[\"sts:AssumeRole\"],\"Resource\":\"*\"}]}";
  private static final String IDENTITY_WITH_PRINCIPAL =
      "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
          + "\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::*\"}}";

  private static PrincipalMatcher.Match match(Policy p, Principal who) {
    return p.statements().get(0).principal().match(who);
  }

  @Test
  void theAccountWithoutAnIdSpeaksRgw() {
    assertEquals(PolicyDialect.RGW_TENANTLESS, PolicyDialect.of(""));
    assertEquals(PolicyDialect.AWS, PolicyDialect.of("123456789012"));
  }

  @Test
  void tenantlessPrincipalArnsAreRgwOnlyAndNameOnlyTenantlessCallers() {
    MalformedPolicyException aws =
        assertThrows(MalformedPolicyException.class, () -> PolicyParser.parse(TRUST_TENANTLESS, PolicyType.RESOURCE, "t"));
    assertEquals("Invalid principal in policy: \"AWS\":\"arn:aws:iam:::user/alt\"", aws.getMessage());

    Policy rgw = PolicyParser.parse(TRUST_TENANTLESS, PolicyType.RESOURCE, "t", PolicyDialect.RGW_TENANTLESS);
    assertEquals(PrincipalMatcher.Match.DIRECT, match(rgw, Principal.user("", "alt", "AIDAALT")));
    assertEquals(PrincipalMatcher.Match.NONE, match(rgw, Principal.user("", "main", "AIDAMAIN")));
    // The same name in a real account is another user.
    assertEquals(PrincipalMatcher.Match.NONE, match(rgw, Principal.user("123456789012", "alt", "AIDAALT")));
  }

  @Test
  void rgwAlsoReadsAwsArns() {
    String trust = TRUST_TENANTLESS.replace("arn:aws:iam:::user/alt", "arn:aws:iam::123456789012:role/r");
    Policy rgw = PolicyParser.parse(trust, PolicyType.RESOURCE, "t", PolicyDialect.RGW_TENANTLESS);
    assertEquals(PrincipalMatcher.Match.ISSUER,
        match(rgw, Principal.assumedRole("123456789012", "r", "s", "AROAR")));
  }

  @Test
  void aPrincipalInAnIdentityPolicyIsCheckedThenIgnoredByRgwAndRefusedByAws() {
    MalformedPolicyException aws = assertThrows(MalformedPolicyException.class,
        () -> PolicyParser.parse(IDENTITY_WITH_PRINCIPAL, PolicyType.IDENTITY, "p"));
    assertEquals("Policy document should not specify a principal.", aws.getMessage());

    Policy rgw = PolicyParser.parse(IDENTITY_WITH_PRINCIPAL, PolicyType.IDENTITY, "p", PolicyDialect.RGW_TENANTLESS);
    assertNull(rgw.statements().get(0).principal());
    Decision allowed = PolicyEvaluator.evaluate(PolicySet.ofIdentity(java.util.List.of(rgw)),
        RequestContext.of(Principal.user("", "alt", "AIDAALT"), "s3:GetObject", "arn:aws:s3:::b/k"));
    assertEquals(Decision.Outcome.ALLOW, allowed.outcome());

    // RGW refuses a principal that is no principal at all, as s3-tests' test_put_user_policy_invalid_element expects.
    String bogus = IDENTITY_WITH_PRINCIPAL.replace("\"Principal\":\"*\"", "\"Principal\":\"arn:aws:iam:::username\"");
    assertThrows(MalformedPolicyException.class,
        () -> PolicyParser.parse(bogus, PolicyType.IDENTITY, "p", PolicyDialect.RGW_TENANTLESS));
  }

  @Test
  void rgwNamesARoleSessionWithAnIamArnAndAwsDoesNot() {
    String policy = TRUST_TENANTLESS.replace("arn:aws:iam:::user/alt", "arn:aws:iam:::assumed-role/r/s");
    MalformedPolicyException aws =
        assertThrows(MalformedPolicyException.class, () -> PolicyParser.parse(policy, PolicyType.RESOURCE, "t"));
    assertEquals("Invalid principal in policy: \"AWS\":\"arn:aws:iam:::assumed-role/r/s\"", aws.getMessage());

    Policy rgw = PolicyParser.parse(policy, PolicyType.RESOURCE, "t", PolicyDialect.RGW_TENANTLESS);
    // The session itself, not the role (its other sessions are other principals).
    assertEquals(PrincipalMatcher.Match.DIRECT, match(rgw, Principal.assumedRole("", "r", "s", "AROAR")));
    assertEquals(PrincipalMatcher.Match.NONE, match(rgw, Principal.assumedRole("", "r", "other", "AROAR")));
    assertEquals(PrincipalMatcher.Match.NONE, match(rgw, Principal.assumedRole("", "r2", "s", "AROAR2")));
  }
}
