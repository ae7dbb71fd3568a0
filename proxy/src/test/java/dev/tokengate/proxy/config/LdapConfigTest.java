package dev.tokengate.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ldap:} is checked at startup like the rest, each problem naming its key. */
class LdapConfigTest {
  @TempDir Path dir;

  private static final String VALID_REST = """
        lookupBindDn: cn=tokengate,ou=services,dc=example,dc=test
        lookupBindPassword: secret
        userSearchBaseDn: ou=people,dc=example,dc=test
        userSearchFilter: (uid=%s)
        roleMappings: [{dn: "cn=readers,ou=groups,dc=example,dc=test", role: readers}]
      """;

  private ProxyConfig load(String yaml) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, yaml);
    return ProxyConfig.load(file);
  }

  private String problems(String ldapHead) throws Exception {
    return assertThrows(InvalidConfigException.class, () -> load("ldap:\n" + ldapHead + VALID_REST)).getMessage();
  }

  @Test
  void absentIsOffAndAValidOneLoadsWithDefaults() throws Exception {
    assertNull(load("region: us-east-1\n").ldap());
    LdapConfig ldap = load("ldap:\n  serverUrl: ldaps://ldap.example.test:636\n" + VALID_REST).ldap();
    assertTrue(ldap.ldaps());
    assertFalse(ldap.startTls());
    assertFalse(ldap.allowInsecurePlainLdap());
    assertEquals(3, ldap.timeoutSeconds());
    assertEquals("uid", ldap.usernameAttribute());
    assertFalse(load("ldap:\n  serverUrl: ldap://ldap.example.test\n  startTls: true\n" + VALID_REST).ldap().ldaps());
  }

  @Test
  void plainLdapNeedsTheInsecureFlag() throws Exception {
    String m = problems("  serverUrl: ldap://ldap.example.test:389\n");
    assertTrue(m.contains("ldap.serverUrl ldap://ldap.example.test:389 is plain LDAP"), m);
    assertTrue(m.contains("ldap.allowInsecurePlainLdap: true"), m);
    load("ldap:\n  serverUrl: ldap://127.0.0.1:389\n  allowInsecurePlainLdap: true\n" + VALID_REST);
  }

  @Test
  void badUrlsAreNamed() throws Exception {
    assertTrue(problems("  serverUrl: https://ldap.example.test\n")
        .contains("ldap.serverUrl must be ldaps://HOST[:PORT] or ldap://HOST[:PORT], got 'https://ldap.example.test'"));
    assertTrue(problems("  serverUrl: ldaps://ldap.example.test/dc=example,dc=test\n")
        .contains("ldap.serverUrl must name a host and nothing after it"));
    assertTrue(problems("  serverUrl: ldaps://ldap.example.test\n  startTls: true\n")
        .contains("ldap.startTls is for ldap:// URLs"));
    assertTrue(problems("  timeoutSeconds: 0\n").contains("ldap.serverUrl is required"));
    assertTrue(problems("  serverUrl: ldaps://h\n  timeoutSeconds: 31\n")
        .contains("ldap.timeoutSeconds must be 1 to 30, got 31"));
  }

  @Test
  void dnsFiltersAndMappingsAreChecked() throws Exception {
    String m = assertThrows(InvalidConfigException.class, () -> load("""
        ldap:
          serverUrl: ldaps://ldap.example.test
          lookupBindDn: not a dn
          lookupBindPassword: ""
          userSearchBaseDn: ou=people,dc=example,dc=test
          userSearchFilter: (uid=alice)
          groupSearchFilter: (member=%x)
          trustedCertificatesFile: /no/such/ca.pem
          roleMappings: [{dn: "cn=readers", role: "bad role!"}, {role: r}]
        """)).getMessage();
    assertTrue(m.contains("ldap.lookupBindDn must be a distinguished name"), m);
    assertTrue(m.contains("ldap.lookupBindPassword is required"), m);
    assertTrue(m.contains("ldap.userSearchFilter must contain %s"), m);
    assertTrue(m.contains("ldap.groupSearchBaseDn and ldap.groupSearchFilter go together"), m);
    assertTrue(m.contains("ldap.groupSearchFilter is not a valid LDAP filter template (unknown placeholder %x"), m);
    assertTrue(m.contains("ldap.trustedCertificatesFile /no/such/ca.pem is not a readable file"), m);
    assertTrue(m.contains("ldap.roleMappings[0].role must be a role name"), m);
    assertTrue(m.contains("ldap.roleMappings[1].dn is required"), m);
    String unbalanced = problems("  serverUrl: ldaps://h\n  groupSearchBaseDn: ou=g,dc=x\n  groupSearchFilter: (member=%d\n");
    assertTrue(unbalanced.contains("ldap.groupSearchFilter is not a valid LDAP filter template"), unbalanced);
  }

  @Test
  void noMappingIsRefused() throws Exception {
    String m = assertThrows(InvalidConfigException.class, () -> load("""
        ldap:
          serverUrl: ldaps://ldap.example.test
          lookupBindDn: cn=s,dc=x
          lookupBindPassword: p
          userSearchBaseDn: dc=x
          userSearchFilter: (uid=%s)
        """)).getMessage();
    assertTrue(m.contains("ldap.roleMappings is required"), m);
  }

  @Test
  void unknownKeysAreRefused() {
    assertThrows(Exception.class, () -> load("ldap:\n  serverUrl: ldaps://h\n  bindPassword: x\n" + VALID_REST));
  }
}
