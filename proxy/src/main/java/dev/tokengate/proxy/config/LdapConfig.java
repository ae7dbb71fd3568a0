package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The LDAP directory behind AssumeRoleWithLDAPIdentity (MinIO's STS extension). Absent: the action
 * answers NotImplemented.
 *
 * <pre>
 * ldap:
 *   serverUrl: ldaps://ldap.corp.example:636    # or ldap://HOST:389 with startTls: true
 *   startTls: false
 *   allowInsecurePlainLdap: false               # true: plain ldap:// (passwords in clear); tests only
 *   trustedCertificatesFile: /etc/tokengate/ldap-ca.pem   # PEM CAs; absent: the JVM's trust store
 *   timeoutSeconds: 3                           # connect and each operation; 1 to 30
 *   lookupBindDn: cn=tokengate,ou=services,dc=corp,dc=example
 *   lookupBindPassword: ...
 *   userSearchBaseDn: ou=people,dc=corp,dc=example
 *   userSearchFilter: (uid=%s)                  # %s: the username, escaped (RFC 4515)
 *   usernameAttribute: uid                      # the entry's attribute naming the session
 *   groupSearchBaseDn: ou=groups,dc=corp,dc=example       # optional, with groupSearchFilter
 *   groupSearchFilter: (&amp;(objectClass=groupOfNames)(member=%d))  # %d: the user's DN, %s: the username
 *   roleMappings:                               # first match in this order wins
 *     - {dn: "cn=s3-writers,ou=groups,dc=corp,dc=example", role: s3-writers}
 *     - {dn: "uid=alice,ou=people,dc=corp,dc=example", role: s3-admin}
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LdapConfig(
    @JsonProperty("serverUrl") String serverUrl,
    @JsonProperty("startTls") Boolean startTls,
    @JsonProperty("allowInsecurePlainLdap") Boolean allowInsecurePlainLdap,
    @JsonProperty("trustedCertificatesFile") String trustedCertificatesFile,
    @JsonProperty("timeoutSeconds") Integer timeoutSeconds,
    @JsonProperty("lookupBindDn") String lookupBindDn,
    @JsonProperty("lookupBindPassword") String lookupBindPassword,
    @JsonProperty("userSearchBaseDn") String userSearchBaseDn,
    @JsonProperty("userSearchFilter") String userSearchFilter,
    @JsonProperty("usernameAttribute") String usernameAttribute,
    @JsonProperty("groupSearchBaseDn") String groupSearchBaseDn,
    @JsonProperty("groupSearchFilter") String groupSearchFilter,
    @JsonProperty("roleMappings") List<RoleMapping> roleMappings) {

  /** A user or group DN whose members may have sessions of {@code role}. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record RoleMapping(@JsonProperty("dn") String dn, @JsonProperty("role") String role) {}

  public LdapConfig {
    startTls = startTls != null && startTls;
    allowInsecurePlainLdap = allowInsecurePlainLdap != null && allowInsecurePlainLdap;
    timeoutSeconds = timeoutSeconds == null ? 3 : timeoutSeconds;
    usernameAttribute = usernameAttribute == null ? "uid" : usernameAttribute;
    roleMappings = roleMappings == null ? List.of() : List.copyOf(roleMappings);
  }

  /** Whether the connection is TLS from its first byte (ldaps://). */
  public boolean ldaps() {
    return serverUrl != null && serverUrl.toLowerCase(Locale.ROOT).startsWith("ldaps://");
  }

  void problems(String where, List<String> problems) {
    LDAPURL url = null;
    if (serverUrl == null) {
      problems.add(where + ".serverUrl is required (ldaps://HOST:PORT, or ldap://HOST:PORT with startTls)");
    } else {
      try {
        url = new LDAPURL(serverUrl);
      } catch (LDAPException e) {
        problems.add(where + ".serverUrl must be ldaps://HOST[:PORT] or ldap://HOST[:PORT], got '" + serverUrl + "'");
      }
    }
    if (url != null) {
      if (!url.hostProvided() || !url.getBaseDN().isNullDN() || url.attributesProvided() || url.scopeProvided()
          || url.filterProvided()) {
        problems.add(where + ".serverUrl must name a host and nothing after it (no base DN, attributes or filter), got '"
            + serverUrl + "'");
      }
      if (ldaps() && startTls) {
        problems.add(where + ".startTls is for ldap:// URLs; " + serverUrl + " is TLS already");
      }
      if (!ldaps() && !startTls && !allowInsecurePlainLdap) {
        problems.add(where + ".serverUrl " + serverUrl + " is plain LDAP, which sends passwords in clear: use ldaps://, "
            + "set " + where + ".startTls: true, or (tests only) " + where + ".allowInsecurePlainLdap: true");
      }
    }
    if (trustedCertificatesFile != null && !Files.isReadable(Path.of(trustedCertificatesFile))) {
      problems.add(where + ".trustedCertificatesFile " + trustedCertificatesFile + " is not a readable file");
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 30) {
      problems.add(where + ".timeoutSeconds must be 1 to 30, got " + timeoutSeconds);
    }
    dn(where + ".lookupBindDn", lookupBindDn, true, problems);
    if (lookupBindPassword == null || lookupBindPassword.isEmpty()) {
      problems.add(where + ".lookupBindPassword is required (an empty one would be an unauthenticated bind)");
    }
    dn(where + ".userSearchBaseDn", userSearchBaseDn, true, problems);
    filter(where + ".userSearchFilter", userSearchFilter, true, problems);
    if (userSearchFilter != null && !userSearchFilter.contains("%s")) {
      problems.add(where + ".userSearchFilter must contain %s (the username), got '" + userSearchFilter + "'");
    }
    if (!usernameAttribute.matches("[A-Za-z][A-Za-z0-9-]*")) {
      problems.add(where + ".usernameAttribute must be an attribute name, got '" + usernameAttribute + "'");
    }
    if ((groupSearchBaseDn == null) != (groupSearchFilter == null)) {
      problems.add(where + ".groupSearchBaseDn and " + where + ".groupSearchFilter go together: give both or neither");
    }
    dn(where + ".groupSearchBaseDn", groupSearchBaseDn, false, problems);
    filter(where + ".groupSearchFilter", groupSearchFilter, false, problems);
    if (groupSearchFilter != null && !groupSearchFilter.contains("%d") && !groupSearchFilter.contains("%s")) {
      problems.add(where + ".groupSearchFilter must contain %d (the user's DN) or %s (the username), got '"
          + groupSearchFilter + "'");
    }
    if (roleMappings.isEmpty()) {
      problems.add(where + ".roleMappings is required: without one no LDAP user can have a session");
    }
    for (int i = 0; i < roleMappings.size(); i++) {
      RoleMapping m = roleMappings.get(i);
      String at = where + ".roleMappings[" + i + "]";
      if (m == null) {
        problems.add(at + " is empty");
        continue;
      }
      dn(at + ".dn", m.dn(), true, problems);
      if (m.role() == null || !UserConfig.NAME.matcher(m.role()).matches()) {
        problems.add(at + ".role must be a role name (1-64 characters of [A-Za-z0-9+=,.@_-]), got '" + m.role() + "'");
      }
    }
  }

  private static void dn(String key, String value, boolean required, List<String> problems) {
    if (value == null) {
      if (required) {
        problems.add(key + " is required");
      }
      return;
    }
    if (value.isBlank() || !DN.isValidDN(value)) {
      problems.add(key + " must be a distinguished name such as ou=people,dc=corp,dc=example, got '" + value + "'");
    }
  }

  private static void filter(String key, String value, boolean required, List<String> problems) {
    if (value == null) {
      if (required) {
        problems.add(key + " is required");
      }
      return;
    }
    try {
      LdapFilterTemplate.of(value);
    } catch (IllegalArgumentException e) {
      problems.add(key + " is not a valid LDAP filter template (" + e.getMessage() + "), got '" + value + "'");
    }
  }
}
