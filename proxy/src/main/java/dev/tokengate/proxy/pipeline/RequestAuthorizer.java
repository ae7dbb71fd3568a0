package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.s3.S3ActionTable;
import dev.tokengate.policy.s3.S3Authorization;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.policy.s3.S3Permission;
import dev.tokengate.policy.s3.S3Request;
import dev.tokengate.proxy.authz.AuthorizationMessages;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.authz.S3RequestParser;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.VirtualHosts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an authenticated S3 request is allowed: classifies it into IAM actions and
 * resources, fills the condition keys and evaluates the caller's policies for every one. A denial
 * carries AWS's explained AccessDenied message; the full decision trace goes to the debug log. In
 * shadow mode a denial is only logged ("would deny") and the request goes on.
 *
 * <pre>RequestAuthenticator → StsHandler → <b>RequestAuthorizer</b> → ExpectContinueResponder → …</pre>
 */
public final class RequestAuthorizer extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestAuthorizer.class);

  /** Operations whose 404 for a missing key depends on s3:ListBucket (AWS rule). */
  private static final java.util.Set<S3Operation> READS_OBJECT =
      java.util.EnumSet.of(S3Operation.HEAD_OBJECT, S3Operation.GET_OBJECT);

  private final PermissionResolver permissions;
  private final BucketPolicyStore bucketPolicies;
  private final RequestContextFactory contexts;
  private final AuthorizationMessages messages;
  private final VirtualHosts virtualHosts;
  private final boolean shadowMode;
  private final BodyDiscarder body = new BodyDiscarder();

  public RequestAuthorizer(
      PermissionResolver permissions, BucketPolicyStore bucketPolicies, RequestContextFactory contexts,
      AuthorizationMessages messages, VirtualHosts virtualHosts, boolean shadowMode) {
    this.messages = messages;
    this.virtualHosts = virtualHosts;
    this.permissions = permissions;
    this.bucketPolicies = bucketPolicies;
    this.contexts = contexts;
    this.shadowMode = shadowMode;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthenticatedRequest r && r.service() == Service.S3) {
      AuthorizedRequest authorized;
      try {
        authorized = authorize(ctx, r);
      } catch (S3Exception e) {
        boolean close = body.start(r.head());
        ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, close));
        return;
      }
      ctx.fireChannelRead(authorized);
    } else if (!body.discard(msg)) {
      ctx.fireChannelRead(msg);
    }
  }

  private AuthorizedRequest authorize(ChannelHandlerContext ctx, AuthenticatedRequest r) throws S3Exception {
    S3Request s3 = S3RequestParser.parse(r.head(), virtualHosts.bucketOf(r.head().headers().get("Host")));
    S3Authorization needed = S3ActionTable.resolve(s3);
    if (needed.unknown()) {
      throw new S3Exception(
          S3Error.ACCESS_DENIED,
          "tokengate does not support this S3 operation (" + r.head().method() + " " + s3.query().keySet() + ")");
    }
    List<S3Permission> checks = needed.permissions();
    PolicySet policies = permissions.forCaller(r.caller()).withResource(bucketPolicies.find(s3.bucket()));
    for (S3Permission p : checks) {
      Denial denial = evaluate(ctx, r, s3, policies, p);
      if (denial != null && !shadow(r, denial)) {
        // Evaluated again with a trace: denials are rare, and the sealed message explains them fully.
        Decision traced = PolicyEvaluator.evaluate(policies, denial.context(), true);
        throw new S3Exception(
            S3Error.ACCESS_DENIED,
            traced.accessDeniedMessage(),
            Map.of("EncodedAuthorizationMessage", messages.encode(traced, denial.context())));
      }
    }
    AuthorizedRequest.KeyPermission perKey =
        needed.evaluatedPerKey()
            ? (key, versionId) -> {
              Denial d = evaluate(ctx, r, s3, policies, S3ActionTable.deleteObjectsEntry(s3.bucket(), key, versionId));
              return d == null || shadow(r, d) ? null : d.decision().accessDeniedMessage();
            }
            : null;
    boolean hideMissing =
        READS_OBJECT.contains(needed.operation())
            && evaluate(ctx, r, s3, policies, new S3Permission("s3:ListBucket", S3Permission.bucketArn(s3.bucket()))) != null;
    return new AuthorizedRequest(r, s3, needed.operation(), perKey, null, hideMissing);
  }

  /** A decision that did not allow, with the context it was made in. */
  private record Denial(Decision decision, RequestContext context) {}

  /** Evaluates one permission; null when allowed. */
  private Denial evaluate(
      ChannelHandlerContext ctx, AuthenticatedRequest r, S3Request s3, PolicySet policies, S3Permission p) {
    boolean trace = LOG.isDebugEnabled();
    RequestContext context =
        contexts.create(r.caller(), s3, r.verified(), ctx.channel().remoteAddress(), false, p.action(), p.resource());
    Decision decision = PolicyEvaluator.evaluate(policies, context, trace);
    if (trace) {
      LOG.debug("request {}: {} {}\n{}", r.requestId(), p.action(), decision.summary(), decision.trace());
    }
    return decision.allowed() ? null : new Denial(decision, context);
  }

  /** In shadow mode a denial is only logged, and the request goes on. */
  private boolean shadow(AuthenticatedRequest r, Denial denial) {
    if (shadowMode) {
      LOG.warn("request {}: shadow mode, would deny: {}", r.requestId(), denial.decision().accessDeniedMessage());
    }
    return shadowMode;
  }
}
