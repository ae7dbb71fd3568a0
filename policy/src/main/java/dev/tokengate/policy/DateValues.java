package dev.tokengate.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Parses the date forms condition operators accept (ISO-8601 and epoch seconds) into epoch
 * milliseconds; the common {@code 2024-05-01T12:00:00Z} shape is parsed without allocation.
 */
final class DateValues {
  /** Returned when the text is not a date. */
  static final long INVALID = Long.MIN_VALUE;

  private DateValues() {}

  static long parseMillis(String text) {
    if (text.isEmpty()) {
      return INVALID;
    }
    long fast = fastIso(text);
    if (fast != INVALID) {
      return fast;
    }
    if (isInteger(text)) {
      try {
        return Math.multiplyExact(Long.parseLong(text), 1000L);
      } catch (ArithmeticException | NumberFormatException e) {
        return INVALID;
      }
    }
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // fall through to the other ISO shapes
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return INVALID;
    }
  }

  private static boolean isInteger(String s) {
    int start = s.charAt(0) == '-' ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  // yyyy-MM-ddTHH:mm:ss[.fraction]Z only; anything else takes the java.time path.
  private static long fastIso(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return INVALID;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 60) {
      return INVALID;
    }
    int millis = 0;
    if (n > 20) {
      if (s.charAt(19) != '.' || n == 21) {
        return INVALID;
      }
      int scale = 100;
      for (int i = 20; i < n - 1; i++) {
        int d = s.charAt(i) - '0';
        if (d < 0 || d > 9) {
          return INVALID;
        }
        millis += d * scale;
        scale /= 10;
      }
    }
    long days = epochDay(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  // Days since 1970-01-01 in the proleptic Gregorian calendar (civil-from-days inverse).
  private static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }
}
