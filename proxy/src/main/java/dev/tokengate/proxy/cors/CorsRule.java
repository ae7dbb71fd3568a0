package dev.tokengate.proxy.cors;

import java.util.List;
import java.util.Locale;

/**
 * One {@code <CORSRule>}: which origins may use which methods with which request headers, and what
 * the answer tells the browser (exposed headers, how long to cache the preflight).
 *
 * @param maxAgeSeconds null when the rule sets none
 */
public record CorsRule(String id, List<String> allowedOrigins, List<String> allowedMethods,
    List<String> allowedHeaders, List<String> exposeHeaders, Integer maxAgeSeconds) {

  public CorsRule {
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedMethods = List.copyOf(allowedMethods);
    allowedHeaders = List.copyOf(allowedHeaders);
    exposeHeaders = List.copyOf(exposeHeaders);
  }

  /** Whether some AllowedOrigin matches the origin. */
  boolean allowsOrigin(String origin) {
    for (String allowed : allowedOrigins) {
      if (wildcard(allowed, origin, false)) {
        return true;
      }
    }
    return false;
  }

  boolean allowsMethod(String method) {
    return allowedMethods.contains(method);
  }

  /** Every requested header matches some AllowedHeader (names compare regardless of case). */
  boolean allowsHeaders(List<String> requested) {
    for (String h : requested) {
      boolean ok = false;
      for (String allowed : allowedHeaders) {
        if (wildcard(allowed, h, true)) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether any origin at all may (an AllowedOrigin of "*"): the answer then names "*", not the origin. */
  public boolean anyOrigin() {
    return allowedOrigins.contains("*");
  }

  /** S3's patterns: at most one {@code *}, matching any run of characters. */
  static boolean wildcard(String pattern, String value, boolean ignoreCase) {
    String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
    String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
    int star = p.indexOf('*');
    if (star < 0) {
      return p.equals(v);
    }
    String prefix = p.substring(0, star);
    String suffix = p.substring(star + 1);
    return v.length() >= prefix.length() + suffix.length() && v.startsWith(prefix) && v.endsWith(suffix);
  }
}
