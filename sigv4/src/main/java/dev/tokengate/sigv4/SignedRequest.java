package dev.tokengate.sigv4;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of an HTTP request that a signature covers, exactly as they were received: the raw
 * request-target path (still percent-encoded, never normalised), the raw query (without '?', empty
 * when absent) and the header lines in arrival order with their original values.
 *
 * <p>Used both for inbound verification and for outbound signing.
 */
public record SignedRequest(String method, String rawPath, String rawQuery, List<Header> headers) {

  /** One header line as received; the name keeps its original case. */
  public record Header(String name, String value) {}

  public SignedRequest {
    if (rawPath == null || rawPath.isEmpty()) {
      rawPath = "/";
    }
    rawQuery = rawQuery == null ? "" : rawQuery;
    headers = List.copyOf(headers);
  }

  /** All values of a header (case-insensitive name), in arrival order. */
  public List<String> headerValues(String name) {
    List<String> values = new ArrayList<>(1);
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        values.add(h.value());
      }
    }
    return values;
  }

  /** The first value of a header (case-insensitive name), or null. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** Lower-cased names of every header present. */
  public List<String> headerNamesLowerCase() {
    List<String> names = new ArrayList<>(headers.size());
    for (Header h : headers) {
      String n = h.name().toLowerCase(Locale.ROOT);
      if (!names.contains(n)) {
        names.add(n);
      }
    }
    return names;
  }
}
