package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UriEncodingTest {

  @Test
  void pathKeepsSlashesAndNeverNormalises() {
    assertEquals("/", UriEncoding.canonicalPath(""));
    assertEquals("/a//b/./c/../d/", UriEncoding.canonicalPath("/a//b/./c/../d/"));
    assertEquals("/test%24file.text", UriEncoding.canonicalPath("/test$file.text"));
  }

  @Test
  void decodesOnceAndReencodesUppercase() {
    assertEquals("/a%2Fb", UriEncoding.canonicalPath("/a%2fb"));
    assertEquals("/%2525", UriEncoding.canonicalPath("/%2525"));
    assertEquals("/100%25", UriEncoding.canonicalPath("/100%"));
    assertEquals("/%E1%88%B4", UriEncoding.canonicalPath("/\u1234"));
  }

  @Test
  void plusIsSpaceOnlyInQueries() {
    assertEquals("a%2Bb", UriEncoding.encode(UriEncoding.decode("a+b", false), false));
    assertEquals("a b", UriEncoding.decodeQueryComponent("a+b"));
    assertEquals("a%20b", UriEncoding.encode("a b"));
    assertEquals("-_.~AZaz09%2F%3D%26", UriEncoding.encode("-_.~AZaz09/=&"));
    assertEquals("a/b%20c/%C3%A9", UriEncoding.encode("a/b c/\u00e9", true));
    assertEquals("a%2Fb", UriEncoding.encode("a/b", false));
    String plain = "plain-key_1.txt~";
    assertSame(plain, UriEncoding.encode(plain, true));
  }
}
