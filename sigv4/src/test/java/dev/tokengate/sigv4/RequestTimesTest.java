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
    // The day name is not checked (07 Jul 2010 was a Wednesday); before 1970 is no request time.
    assertEquals(Instant.parse("2010-07-07T21:53:04Z"), RequestTimes.parseRfc1123("Tue, 07 Jul 2010 21:53:04 GMT"));
    assertEquals(Instant.parse("9999-07-07T21:53:04Z"), RequestTimes.parseRfc1123("Tue, 07 Jul 9999 21:53:04 GMT"));
    assertEquals(Instant.parse("2013-05-24T00:00:00Z"), RequestTimes.parseRfc1123("24 May 2013 00:00:00 GMT"));
    assertNull(RequestTimes.parseRfc1123("Tue, 07 Jul 1950 21:53:04 GMT"));
    assertNull(RequestTimes.parseRfc1123("Xyz, 07 Jul 2010 21:53:04 GMT"));
  }
}
