package dev.tokengate.proxy.s3;

import java.util.List;
import java.util.Locale;

/**
 * Virtual-hosted-style addressing: for each configured domain {@code d}, a request to Host {@code
 * bucket.d[:port]} names {@code bucket}, and its path is the key. A Host equal to {@code d} (or any
 * other host) is path-style. Host names are case-insensitive, so the label is lowercased, and it
 * must then be a valid bucket name: a label is never percent-decoded or passed on as it came.
 */
public final class VirtualHosts {
  private final List<String> suffixes;

  public VirtualHosts(List<String> domains) {
    this.suffixes = domains.stream().map(d -> "." + d.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * The bucket a Host header names, or null for path-style requests.
   *
   * @throws S3Exception 400 InvalidBucketName when the label before a configured domain is not a
   *     valid bucket name (e.g. {@code Bad_Name.s3.example.com}, {@code a..b.s3.example.com})
   */
  public String bucketOf(String hostHeader) throws S3Exception {
    if (hostHeader == null || suffixes.isEmpty()) {
      return null;
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    for (String suffix : suffixes) {
      // ".s3.example.com" names an empty bucket: refused, not taken for path style.
      if (host.endsWith(suffix)) {
        return BucketName.require(host.substring(0, host.length() - suffix.length()));
      }
    }
    return null;
  }
}
