package dev.tokengate.proxy.config;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;

/**
 * An LDAP search filter with placeholders: {@code %s} the username, {@code %d} the user's DN,
 * {@code %%} a literal {@code %}. Values are escaped as RFC 4515 assertion values ({@code *},
 * {@code (}, {@code )}, {@code \} and NUL become {@code \2a} …), in one pass, so no value can
 * widen the filter or inject a placeholder into another.
 */
public final class LdapFilterTemplate {
  private final String template;

  private LdapFilterTemplate(String template) {
    this.template = template;
  }

  /** @throws IllegalArgumentException if it has an unknown placeholder or does not parse as a filter */
  public static LdapFilterTemplate of(String template) {
    LdapFilterTemplate t = new LdapFilterTemplate(template);
    String sample = t.render("sample", "uid=sample,dc=example");
    try {
      Filter.create(sample);
    } catch (LDAPException e) {
      throw new IllegalArgumentException(e.getExceptionMessage());
    }
    return t;
  }

  /** The filter text for this user: each value escaped, the template's own text kept. */
  public String render(String username, String userDn) {
    StringBuilder out = new StringBuilder(template.length() + 32);
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      char next = i + 1 < template.length() ? template.charAt(i + 1) : 0;
      switch (next) {
        case 's' -> out.append(Filter.encodeValue(username));
        case 'd' -> out.append(Filter.encodeValue(userDn));
        case '%' -> out.append('%');
        default -> throw new IllegalArgumentException("unknown placeholder %" + (next == 0 ? "" : next)
            + " (use %s, %d or %%)");
      }
      i++;
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return template;
  }
}
