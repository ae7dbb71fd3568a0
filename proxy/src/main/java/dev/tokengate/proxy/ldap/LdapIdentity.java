package dev.tokengate.proxy.ldap;

import java.util.List;

/**
 * A user the directory authenticated.
 *
 * @param userDn the DN the password was bound with
 * @param username the entry's own name for the user (its {@code usernameAttribute}), which names
 *     the session; it may differ in case from what was typed
 * @param groupDns the DNs of the groups the group search found, in the directory's order
 */
public record LdapIdentity(String userDn, String username, List<String> groupDns) {
  public LdapIdentity {
    groupDns = List.copyOf(groupDns);
  }
}
