package dev.tokengate.sigv4;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

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

  /** Parses an RFC 1123 date ({@code Fri, 24 May 2013 00:00:00 GMT}), or returns null. */
  public static Instant parseRfc1123(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Formats an instant as {@code yyyyMMdd'T'HHmmss'Z'}. */
  public static String formatAmzDate(Instant instant) {
    return AMZ_DATE.format(instant);
  }
}
