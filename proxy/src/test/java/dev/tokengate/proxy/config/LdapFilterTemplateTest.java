package dev.tokengate.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Placeholders are filled with RFC 4515 escaped values, in one pass. */
class LdapFilterTemplateTest {
  @Test
  void valuesAreEscapedAsAssertionValues() {
    LdapFilterTemplate t = LdapFilterTemplate.of("(&(uid=%s)(member=%d))");
    assertEquals("(&(uid=\\2a\\29\\28uid=\\2a)(member=cn=a\\5c,b))", t.render("*)(uid=*", "cn=a\\,b"));
    assertEquals("(&(uid=a\\00b)(member=x))", t.render("a\u0000b", "x"));
  }

  @Test
  void aValueCannotInjectAPlaceholder() {
    LdapFilterTemplate t = LdapFilterTemplate.of("(&(uid=%s)(member=%d))");
    assertEquals("(&(uid=%d)(member=uid=%s))", t.render("%d", "uid=%s"));
    assertEquals("(cn=100%)", LdapFilterTemplate.of("(cn=100%%)").render("x", "y"));
  }

  @Test
  void badTemplatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LdapFilterTemplate.of("(uid=%s"));
    assertThrows(IllegalArgumentException.class, () -> LdapFilterTemplate.of("(uid=%u)"));
    assertThrows(IllegalArgumentException.class, () -> LdapFilterTemplate.of("(uid=%s)%"));
  }
}
