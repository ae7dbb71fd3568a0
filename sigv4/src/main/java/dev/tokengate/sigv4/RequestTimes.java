package dev.tokengate.sigv4;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Set;

/** Parses and formats the two request-time formats: ISO 8601 basic ({@code x-amz-date}) and RFC 1123. */
public final class RequestTimes {

  /** {@code yyyyMMdd'T'HHmmss'Z'}, as in {@code x-amz-date} and {@code X-Amz-Date}. */
  public static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
          .withResolverStyle(ResolverStyle.STRICT)
          .withZone(ZoneOffset.UTC);

  private RequestTimes() {}

  /** Parses {@code yyyyMMdd'T'HHmmss'Z'}, or returns null. */
  public static Instant parseAmzDate(String value) {
    if (value == null || value.length() != 16) {
      return null;
    }
    try {
      return LocalDateTime.parse(value, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static final Set<String> DAY_NAMES = Set.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

  /**
   * Parses an RFC 1123 date ({@code Fri, 24 May 2013 00:00:00 GMT}), or returns null. The day
   * name is not checked against the date (S3 does not: a request dated "Tue, 07 Jul 2010" is
   * answered RequestTimeTooSkewed, not refused as undated, though that day was a Wednesday). A
   * date before 1970 is not a request time (S3 answers AccessDenied, as for no date).
   */
  public static Instant parseRfc1123(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.length() > 5 && v.charAt(3) == ',' && v.charAt(4) == ' ' && DAY_NAMES.contains(v.substring(0, 3))) {
      v = v.substring(5);
    }
    try {
      Instant t = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return t.getEpochSecond() < 0 ? null : t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Formats an instant as {@code yyyyMMdd'T'HHmmss'Z'}. */
  public static String formatAmzDate(Instant instant) {
    return AMZ_DATE.format(instant);
  }
}
