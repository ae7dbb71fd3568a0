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

/**
 * Fills a policy {@link RequestContext} with the global {@code aws:*} keys the proxy can know (the
 * principal's, the session's, the transport's) and, for S3, the {@code s3:*} keys the request
 * carries. A key the proxy cannot know is absent, never guessed. Every permission check — S3, STS,
 * the IAM simulator's own — goes through here, so a policy sees the same keys wherever it applies.
 */
public final class RequestContextFactory {
  private final Clock clock;

  public RequestContextFactory(Clock clock) {
    this.clock = clock;
  }

  /** The context of one (action, resource) pair of an S3 request. */
  public RequestContext create(
      Caller caller, S3Request request, VerifiedRequest verified, SocketAddress remote, boolean secure,
      String action, String resource) {
    String region = verified == null ? null : verified.authorization().credential().scope().region();
    CallFacts facts = new CallFacts(remote, secure, request.header("User-Agent"), request.header("Referer"), region);
    Instant now = clock.instant();
    RequestContext c = base(caller, facts, action, resource, now);
    if (verified != null) {
      var auth = verified.authorization();
      c.put("s3:signatureversion", "AWS4-HMAC-SHA256");
      c.put("s3:authType", auth.style() == AuthStyle.QUERY ? "REST-QUERY-STRING" : "REST-HEADER");
      if (auth.requestTime() != null) {
        c.put("s3:signatureAge", Long.toString(Math.max(0, now.toEpochMilli() - auth.requestTime().toEpochMilli())));
      }
    }
    c.putAll(S3ConditionKeys.derive(request));
    SessionContextKeys.addRgwSessionTagKeys(c, caller);
    return c;
  }

  /** The context of a call to STS or IAM: the global keys only; the caller adds the action's own. */
  public RequestContext forCall(Caller caller, CallFacts facts, String action, String resource) {
    return base(caller, facts, action, resource, clock.instant());
  }

  private static RequestContext base(Caller caller, CallFacts facts, String action, String resource, Instant now) {
    RequestContext c = RequestContext.of(caller.principal(), action, resource);
    c.put("aws:CurrentTime", DateTimeFormatter.ISO_INSTANT.format(now));
    c.put("aws:EpochTime", Long.toString(now.getEpochSecond()));
    c.put("aws:SecureTransport", Boolean.toString(facts.secure()));
    if (facts.remote() instanceof InetSocketAddress inet && inet.getAddress() != null) {
      c.put("aws:SourceIp", inet.getAddress().getHostAddress());
    }
    putIfPresent(c, "aws:UserAgent", facts.userAgent());
    putIfPresent(c, "aws:Referer", facts.referer());
    putIfPresent(c, "aws:RequestedRegion", facts.requestedRegion());
    SessionContextKeys.add(c, caller, now);
    return c;
  }

  private static void putIfPresent(RequestContext c, String key, String value) {
    if (value != null) {
      c.put(key, value);
    }
  }
}
