package dev.tokengate.proxy.authz;

import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.s3.S3ConditionKeys;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.VerifiedRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fills a policy {@link RequestContext} with the global {@code aws:*} keys the proxy can know (the
 * principal's, the session's, the transport's) and, for S3, the {@code s3:*} keys the request
 * carries. A key the proxy cannot know is absent, never guessed. Every permission check — S3, STS,
 * the IAM simulator's own — goes through here, so a policy sees the same keys wherever it applies.
 *
 * <p>Bucket tags: for every S3 permission on a bucket or on an object in it, the bucket's tags are
 * {@code aws:ResourceTag/KEY} (AWS's ABAC for general purpose buckets, here always on) and {@code
 * s3:ResourceTag/KEY} (Ceph RGW's name for them), judged per resource, so a copy's source read
 * sees the source bucket's tags. CreateBucket has none (the bucket is not there yet), nor has
 * ListAllMyBuckets. Object tags ({@code s3:ExistingObjectTag/KEY}) are not read.
 */
public final class RequestContextFactory {
  /** A bucket's tags by key, from memory: this runs on an event loop and must never wait. */
  @FunctionalInterface
  public interface BucketTags {
    /** @return empty when the bucket has none */
    Map<String, List<String>> of(String bucket);
  }

  private final Clock clock;
  private final BucketTags bucketTags;

  /** A factory that knows no bucket tags (STS and IAM calls only). */
  public RequestContextFactory(Clock clock) {
    this(clock, bucket -> Map.of());
  }

  public RequestContextFactory(Clock clock, BucketTags bucketTags) {
    this.clock = clock;
    this.bucketTags = bucketTags;
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
    if (request.operation() != S3Operation.CREATE_BUCKET) {
      putResourceTags(c, bucketOf(resource));
    }
    return c;
  }

  private void putResourceTags(RequestContext c, String bucket) {
    if (bucket.isEmpty()) {
      return;
    }
    Map<String, List<String>> tags = bucketTags.of(bucket);
    if (tags.isEmpty()) {
      return;
    }
    // Key names are case-insensitive in a context; tags whose keys differ in case only share one.
    Map<String, List<String>> merged = new HashMap<>();
    tags.forEach((key, values) ->
        merged.computeIfAbsent(key.toLowerCase(Locale.ROOT), k -> new ArrayList<>(values.size())).addAll(values));
    merged.forEach((key, values) -> {
      c.put("aws:ResourceTag/" + key, values);
      c.put("s3:ResourceTag/" + key, values);
    });
  }

  /** {@code arn:aws:s3:::bucket[/key]} → bucket; "" for anything else (the service, {@code *}). */
  private static String bucketOf(String resourceArn) {
    String prefix = "arn:aws:s3:::";
    if (!resourceArn.startsWith(prefix)) {
      return "";
    }
    String rest = resourceArn.substring(prefix.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    return bucket.equals("*") ? "" : bucket;
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
