package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WildcardPatternTest {

  @Test
  void literalPrefixAndGeneralPatterns() {
    assertTrue(WildcardPattern.compile("*", false).matches("anything"));
    assertTrue(WildcardPattern.compile("abc", false).matches("abc"));
    assertFalse(WildcardPattern.compile("abc", false).matches("abcd"));
    assertTrue(WildcardPattern.compile("ab*", false).matches("ab"));
    assertTrue(WildcardPattern.compile("a*c*e", false).matches("abcde"));
    assertFalse(WildcardPattern.compile("a*c*e", false).matches("abcdf"));
    assertTrue(WildcardPattern.compile("a?c", false).matches("abc"));
    assertFalse(WildcardPattern.compile("a?c", false).matches("ac"));
    assertTrue(WildcardPattern.compile("*a*a*a", false).matches("aaaa"));
  }

  @Test
  void caseHandling() {
    assertTrue(WildcardPattern.compile("S3:Get*", true).matches("s3:getobject"));
    assertFalse(WildcardPattern.compile("S3:Get*", false).matches("s3:getobject"));
  }

  @Test
  void literalTreatsWildcardsAsCharacters() {
    assertTrue(WildcardPattern.literal("a*", false).matches("a*"));
    assertFalse(WildcardPattern.literal("a*", false).matches("ab"));
  }

  @Test
  void matchesRegion() {
    assertTrue(WildcardPattern.compile("s?", false).matches("xx:s3:yy", 3, 5));
  }
}
