package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A trust policy's {@code {"Federated": provider}} names the caller of AssumeRoleWithSAML of that provider only. */
@Timeout(30)
class SamlPrincipalTest {
  private static final String ACCOUNT = "123456789012";
  private static final String CORP = "arn:aws:iam::123456789012:saml-provider/CorpIdP";
  private static final String OTHER = "arn:aws:iam::123456789012:saml-provider/Other";
  private static final String ROLE = "arn:aws:iam::123456789012:role/S3ReadOnly";

  private static Policy trust(String principal, String condition) {
    return PolicyParser.parse("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":%s,
         "Action":"sts:AssumeRoleWithSAML","Resource":"%s"%s}]}""".formatted(principal, ROLE, condition), PolicyType.RESOURCE, "trust");
  }

  private static Decision decide(Policy trust, Principal caller, String... keys) {
    RequestContext c = RequestContext.of(caller, "sts:AssumeRoleWithSAML", ROLE);
    for (int i = 0; i < keys.length; i += 2) {
      c.put(keys[i], keys[i + 1]);
    }
    return PolicyEvaluator.evaluate(PolicySet.ofIdentity(List.of()).withResource(trust), c);
  }

  @Test
  void theNamedProviderIsTrustedOnItsOwn() {
    Decision d = decide(trust("{\"Federated\":\"" + CORP + "\"}", ""), Principal.saml(CORP, "alice@corp"));
    assertTrue(d.allowed(), d.toString());
    assertEquals("SAMLUser", Principal.saml(CORP, "alice@corp").type().awsName());
    assertEquals(PolicyType.RESOURCE, d.statements().get(0).policyType());
  }

  @Test
  void anotherProviderIsNot() {
    assertFalse(decide(trust("{\"Federated\":\"" + CORP + "\"}", ""), Principal.saml(OTHER, "alice@corp")).allowed());
    assertTrue(decide(trust("{\"Federated\":[\"" + OTHER + "\",\"" + CORP + "\"]}", ""),
        Principal.saml(CORP, "alice@corp")).allowed());
  }

  @Test
  void anAccountOrRolePrincipalDoesNotNameAProvider() {
    Principal idp = Principal.saml(CORP, "alice@corp");
    assertFalse(decide(trust("{\"AWS\":\"arn:aws:iam::123456789012:root\"}", ""), idp).allowed());
    assertFalse(decide(trust("{\"AWS\":\"" + ACCOUNT + "\"}", ""), idp).allowed());
    assertFalse(decide(trust("{\"AWS\":\"" + ROLE + "\"}", ""), idp).allowed());
  }

  @Test
  void aFederatedPrincipalNamesNoSignedCaller() {
    Policy t = trust("{\"Federated\":\"" + CORP + "\"}", "");
    assertFalse(decide(t, Principal.assumedRole(ACCOUNT, "S3ReadOnly", "s", "AROA1")).allowed());
    assertFalse(decide(t, Principal.federatedUserOf("arn:aws:iam::123456789012:user/alice", "fed")).allowed());
    assertFalse(decide(t, Principal.user(ACCOUNT, "alice", "AIDA1")).allowed());
  }

  @Test
  void samlConditionKeysApply() {
    Policy t = trust("{\"Federated\":\"" + CORP + "\"}",
        ",\"Condition\":{\"StringEquals\":{\"saml:aud\":\"https://signin.aws.amazon.com/saml\","
            + "\"saml:sub_type\":\"persistent\"}}");
    Principal idp = Principal.saml(CORP, "alice@corp");
    assertTrue(decide(t, idp, "saml:aud", "https://signin.aws.amazon.com/saml", "saml:sub_type", "persistent")
        .allowed());
    assertFalse(decide(t, idp, "saml:aud", "https://signin.aws.amazon.com/saml", "saml:sub_type", "transient")
        .allowed());
    assertFalse(decide(t, idp).allowed());
  }

  @Test
  void aWildcardPrincipalNamesAProviderToo() {
    assertTrue(decide(trust("\"*\"", ""), Principal.saml(CORP, "alice@corp")).allowed());
  }
}
