package dev.tokengate.proxy.authz;

import java.net.SocketAddress;

/**
 * What a request says about where it came from, for the global condition keys of calls that are
 * not S3 requests (STS, IAM): {@code aws:SourceIp}, {@code aws:SecureTransport}, {@code
 * aws:UserAgent}, {@code aws:Referer} and {@code aws:RequestedRegion}.
 *
 * @param remote the client's address, or null when unknown
 * @param secure whether the request came over TLS
 * @param userAgent the User-Agent header, or null
 * @param referer the Referer header, or null
 * @param requestedRegion the region of the SigV4 scope, or null for an unsigned call
 */
public record CallFacts(SocketAddress remote, boolean secure, String userAgent, String referer, String requestedRegion) {

  /** No transport facts (in-process callers such as tests and the offline simulator). */
  public static CallFacts none() {
    return new CallFacts(null, false, null, null, null);
  }
}
