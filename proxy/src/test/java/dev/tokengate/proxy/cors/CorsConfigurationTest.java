package dev.tokengate.proxy.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorsConfigurationTest {
  private static CorsConfiguration parse(String xml) throws CorsConfiguration.Invalid {
    return CorsConfiguration.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  private static String rule(String inner) {
    return "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>" + inner
        + "</CORSRule></CORSConfiguration>";
  }

  @Test
  void originsMatchWithOneWildcardAndTheFirstRuleWins() throws Exception {
    CorsConfiguration c = parse("<CORSConfiguration>"
        + "<CORSRule><ID>a</ID><AllowedOrigin>start*end</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
        + "<CORSRule><ID>b</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
        + "<AllowedHeader>X-Amz-*</AllowedHeader></CORSRule></CORSConfiguration>");
    assertEquals("a", c.match("startend", "GET", List.of()).orElseThrow().id());
    assertEquals("a", c.match("start12end", "GET", List.of()).orElseThrow().id());
    assertEquals("b", c.match("0start12end", "GET", List.of()).orElseThrow().id());
    assertEquals("b", c.match("startend", "GET", List.of("x-amz-date")).orElseThrow().id(), "headers decide too");
    assertFalse(c.match("startend", "PUT", List.of()).isPresent());
    assertFalse(c.match("x", "GET", List.of("content-md5")).isPresent());
  }

  @Test
  void writtenBackAsGetBucketCorsAnswersAndReadAgainTheSame() throws Exception {
    CorsConfiguration c = parse(rule("<AllowedOrigin>https://a&amp;b</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>"
        + "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>30</MaxAgeSeconds>"));
    CorsConfiguration again = CorsConfiguration.parse(c.toXml());
    assertEquals(c.rules(), again.rules());
    assertEquals("https://a&b", again.rules().get(0).allowedOrigins().get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<CORSConfiguration/>",
      "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
      "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>",
      "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><Bogus/></CORSRule></CORSConfiguration>",
      "<Other><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></Other>",
      "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>x</MaxAgeSeconds></CORSRule></CORSConfiguration>",
      "<!DOCTYPE c [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><CORSConfiguration><CORSRule><AllowedOrigin>&x;</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
      "not xml"})
  void malformedDocumentsAreMalformedXml(String xml) {
    CorsConfiguration.Invalid e = assertThrows(CorsConfiguration.Invalid.class, () -> parse(xml));
    assertTrue(e.malformedXml(), e.getMessage());
  }

  @Test
  void valuesS3RefusesAreInvalidRequest() {
    CorsConfiguration.Invalid method = assertThrows(CorsConfiguration.Invalid.class,
        () -> parse(rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>")));
    assertFalse(method.malformedXml());
    assertEquals("Found unsupported HTTP method in CORS config. Unsupported method is PATCH", method.getMessage());
    CorsConfiguration.Invalid stars = assertThrows(CorsConfiguration.Invalid.class,
        () -> parse(rule("<AllowedOrigin>a*b*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>")));
    assertEquals("AllowedOrigin \"a*b*\" can not have more than one wildcard.", stars.getMessage());
  }
}
