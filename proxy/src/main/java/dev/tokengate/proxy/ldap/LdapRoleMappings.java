package dev.tokengate.proxy.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import dev.tokengate.proxy.config.LdapConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ldap.roleMappings}: which roles an LDAP user may have a session of, by its own DN or the
 * DN of one of its groups. DNs compare as LDAP does (attribute names and values without regard to
 * case or spacing), so {@code CN=Readers, OU=Groups,…} maps what the directory calls {@code
 * cn=readers,ou=groups,…}.
 */
public final class LdapRoleMappings {
  private record Mapping(DN dn, String role) {}

  private final List<Mapping> mappings = new ArrayList<>();

  public LdapRoleMappings(List<LdapConfig.RoleMapping> configured) {
    for (LdapConfig.RoleMapping m : configured) {
      try {
        mappings.add(new Mapping(new DN(m.dn()), m.role()));
      } catch (LDAPException e) {
        throw new IllegalArgumentException("ldap.roleMappings: " + m.dn() + " is not a DN", e);
      }
    }
  }

  /** The roles {@code identity} maps to, without repeats, in the order of the configuration. */
  public List<String> roles(LdapIdentity identity) {
    Set<DN> own = new LinkedHashSet<>();
    own.add(parse(identity.userDn()));
    identity.groupDns().forEach(g -> own.add(parse(g)));
    Set<String> roles = new LinkedHashSet<>();
    for (Mapping m : mappings) {
      if (own.contains(m.dn())) {
        roles.add(m.role());
      }
    }
    return List.copyOf(roles);
  }

  private static DN parse(String dn) {
    try {
      return new DN(dn);
    } catch (LDAPException e) {
      return DN.NULL_DN; // the server gave it; a null DN matches no mapping (validated non-empty)
    }
  }
}
