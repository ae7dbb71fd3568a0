package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A trust policy's {@code "Federated"} principal names the bearers of one OIDC provider's tokens
 * (AssumeRoleWithWebIdentity): exactly that provider ARN, with the statement's conditions.
 */
class FederatedPrincipalTest {
  private static final String PROVIDER = "arn:aws:iam::123456789012:oidc-provider/idp.example.com/realms/demo";
  private static final String ACTION = "sts:AssumeRoleWithWebIdentity";
  private static final String ROLE = "arn:aws:iam::123456789012:role/web";

  private static Decision evaluate(String trust, Principal caller, String... keyValues) {
    PolicySet set = PolicySet.ofIdentity(List.of()).withResource(PolicyParser.parse(trust, PolicyType.RESOURCE, "trust"));
    RequestContext context = RequestContext.of(caller, ACTION, ROLE);
    for (int i = 0; i < keyValues.length; i += 2) {
      context.put(keyValues[i], keyValues[i + 1]);
    }
    return PolicyEvaluator.evaluate(set, context);
  }

  private static String trust(String principal, String condition) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" + principal
        + ",\"Action\":\"" + ACTION + "\",\"Resource\":\"" + ROLE + "\"" + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}";
  }

  @Test
  void theProviderItNamesIsAllowed() {
    Decision d = evaluate(trust("{\"Federated\":\"" + PROVIDER + "\"}", null), Principal.webIdentity(PROVIDER, "alice"));
    assertTrue(d.allowed(), d.toString());
    assertEquals(PolicyType.RESOURCE, d.statements().get(0).policyType());
  }

  @Test
  void anotherProviderIsNotNamed() {
    String other = "arn:aws:iam::123456789012:oidc-provider/other.example.com";
    assertFalse(evaluate(trust("{\"Federated\":\"" + PROVIDER + "\"}", null), Principal.webIdentity(other, "alice"))
        .allowed());
  }

  @Test
  void theAccountRootDoesNotNameAProvidersBearers() {
    Decision d = evaluate(trust("{\"AWS\":\"arn:aws:iam::123456789012:root\"}", null),
        Principal.webIdentity(PROVIDER, "alice"));
    assertFalse(d.allowed(), d.toString());
  }

  @Test
  void federatedLdapNamesTheDirectorysUsersOnly() {
    Principal ldapUser = Principal.ldap("123456789012", "alice");
    assertEquals(PrincipalType.LDAP_USER, ldapUser.type());
    assertEquals("LDAPUser", ldapUser.type().awsName());
    assertTrue(evaluate(trust("{\"Federated\":\"ldap\"}", null), ldapUser).allowed());
    // Neither an OIDC provider's bearer nor the account names it, and "ldap" names no token bearer.
    assertFalse(evaluate(trust("{\"Federated\":\"" + PROVIDER + "\"}", null), ldapUser).allowed());
    assertFalse(evaluate(trust("{\"AWS\":\"arn:aws:iam::123456789012:root\"}", null), ldapUser).allowed());
    assertFalse(evaluate(trust("{\"Federated\":\"ldap\"}", null), Principal.webIdentity(PROVIDER, "alice")).allowed());
  }

  @Test
  void aFederatedPrincipalNamesNoIamCaller() {
    Decision d = evaluate(trust("{\"Federated\":\"" + PROVIDER + "\"}", null),
        Principal.user("123456789012", "alice", "AIDAEXAMPLE"));
    assertFalse(d.allowed(), d.toString());
  }

  @Test
  void conditionsOnProviderClaimsApply() {
    String cond = "{\"StringEquals\":{\"idp.example.com/realms/demo:sub\":\"alice\","
        + "\"idp.example.com/realms/demo:aud\":\"app\"}}";
    String policy = trust("{\"Federated\":\"" + PROVIDER + "\"}", cond);
    Principal bearer = Principal.webIdentity(PROVIDER, "alice");
    assertTrue(evaluate(policy, bearer, "idp.example.com/realms/demo:sub", "alice",
        "idp.example.com/realms/demo:aud", "app").allowed());
    assertFalse(evaluate(policy, bearer, "idp.example.com/realms/demo:sub", "bob",
        "idp.example.com/realms/demo:aud", "app").allowed());
  }

  @Test
  void aWildcardPrincipalStillNamesEveryone() {
    assertTrue(evaluate(trust("\"*\"", null), Principal.webIdentity(PROVIDER, "alice")).allowed());
  }

  @Test
  void theBearerCarriesTheProviderAccountAndSubject() {
    Principal p = Principal.webIdentity(PROVIDER, "alice");
    assertEquals(PrincipalType.WEB_IDENTITY, p.type());
    assertEquals("123456789012", p.accountId());
    assertEquals("alice", p.userId());
    assertEquals(PROVIDER, p.principalArn());
  }
}
