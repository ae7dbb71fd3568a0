package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without {@code ldap:} in the configuration the action exists but is not enabled. */
@Timeout(120)
class AssumeRoleWithLdapIdentityOffTest {
  @RegisterExtension static final TokengateExtension PROXY = TokengateExtension.defaults();

  @Test
  void itAnswersNotImplemented() throws Exception {
    StsClient.Response r = PROXY.sts().unsigned("AssumeRoleWithLDAPIdentity",
        Map.of("LDAPUsername", "alice", "LDAPPassword", "alice-pw"));
    assertEquals(501, r.status(), r.body());
    assertEquals("NotImplemented", r.errorCode());
    assertEquals("AssumeRoleWithLDAPIdentity is not enabled: the configuration has no ldap: section.", r.errorMessage());
  }
}
