package dev.tokengate.proxy.authz;

import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.s3.S3ConditionKeys;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.VerifiedRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Fills a policy {@link RequestContext} with the global {@code aws:*} keys the proxy can know and
 * the {@code s3:*} keys the request carries. A key the proxy cannot know is absent, never guessed.
 */
public final class RequestContextFactory {
  private final Clock clock;

  public RequestContextFactory(Clock clock) {
    this.clock = clock;
  }

  public RequestContext create(
      Caller caller, S3Request request, VerifiedRequest verified, SocketAddress remote, boolean secure,
      String action, String resource) {
    Instant now = clock.instant();
    RequestContext c = RequestContext.of(caller.principal(), action, resource);
    c.put("aws:CurrentTime", DateTimeFormatter.ISO_INSTANT.format(now));
    c.put("aws:EpochTime", Long.toString(now.getEpochSecond()));
    c.put("aws:SecureTransport", Boolean.toString(secure));
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      c.put("aws:SourceIp", inet.getAddress().getHostAddress());
    }
    putIfPresent(c, "aws:UserAgent", request.header("User-Agent"));
    putIfPresent(c, "aws:Referer", request.header("Referer"));
    Map<String, String> tags = caller.user() != null ? caller.user().tags() : Map.of();
    tags.forEach((k, v) -> c.put("aws:PrincipalTag/" + k, v));
    if (verified != null) {
      var auth = verified.authorization();
      c.put("aws:RequestedRegion", auth.credential().scope().region());
      c.put("s3:signatureversion", "AWS4-HMAC-SHA256");
      c.put("s3:authType", auth.style() == AuthStyle.QUERY ? "REST-QUERY-STRING" : "REST-HEADER");
      if (auth.requestTime() != null) {
        c.put("s3:signatureAge", Long.toString(Math.max(0, now.toEpochMilli() - auth.requestTime().toEpochMilli())));
      }
    }
    c.putAll(S3ConditionKeys.derive(request));
    SessionContextKeys.add(c, caller, now);
    return c;
  }

  private static void putIfPresent(RequestContext c, String key, String value) {
    if (value != null) {
      c.put(key, value);
    }
  }
}
