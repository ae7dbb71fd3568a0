package dev.tokengate.proxy.s3;

import java.util.List;
import java.util.Locale;

/**
 * Virtual-hosted-style addressing: for each configured domain {@code d}, a request to Host {@code
 * bucket.d[:port]} names {@code bucket}, and its path is the key. A Host equal to {@code d} (or any
 * other host) is path-style.
 */
public final class VirtualHosts {
  private final List<String> suffixes;

  public VirtualHosts(List<String> domains) {
    this.suffixes = domains.stream().map(d -> "." + d.toLowerCase(Locale.ROOT)).toList();
  }

  /** The bucket a Host header names, or null for path-style requests. */
  public String bucketOf(String hostHeader) {
    if (hostHeader == null || suffixes.isEmpty()) {
      return null;
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    for (String suffix : suffixes) {
      if (host.endsWith(suffix) && host.length() > suffix.length()) {
        return host.substring(0, host.length() - suffix.length());
      }
    }
    return null;
  }
}
