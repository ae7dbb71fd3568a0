package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DateValuesTest {

  @Test
  void fastPathAgreesWithJavaTime() {
    for (String s : new String[] {"1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "2026-11-23T01:00:00.123Z",
        "1969-12-31T23:59:59Z", "2400-03-01T00:00:00Z"}) {
      assertEquals(Instant.parse(s).toEpochMilli(), DateValues.parseMillis(s), s);
    }
  }

  @Test
  void otherForms() {
    assertEquals(1767225600000L, DateValues.parseMillis("1767225600"));
    assertEquals(1767225600000L, DateValues.parseMillis("2026-01-01T01:00:00+01:00"));
    assertEquals(1767225600000L, DateValues.parseMillis("2026-01-01"));
    assertEquals(DateValues.INVALID, DateValues.parseMillis("tomorrow"));
    assertEquals(DateValues.INVALID, DateValues.parseMillis(""));
  }
}
