package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestTimesTest {

  @Test
  void parsesBothFormatsStrictly() {
    Instant t = Instant.parse("2013-05-24T00:00:00Z");
    assertEquals(t, RequestTimes.parseAmzDate("20130524T000000Z"));
    assertEquals(t, RequestTimes.parseRfc1123("Fri, 24 May 2013 00:00:00 GMT"));
    assertEquals("20130524T000000Z", RequestTimes.formatAmzDate(t));
    assertNull(RequestTimes.parseAmzDate("20130532T000000Z"));
    assertNull(RequestTimes.parseAmzDate("2013-05-24T00:00:00Z"));
    assertNull(RequestTimes.parseRfc1123("yesterday"));
  }
}
