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
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a modeled S3 request is allowed: its IAM actions and resources, the condition
 * keys read from the model, and for every (action, resource) the policies that apply to that
 * resource — the caller's identity, session and boundary policies, and the bucket policy of the
 * bucket the resource is in (so a copy's source read is judged by the source bucket's policy). A
 * denial carries AWS's explained AccessDenied message; the full trace goes to the debug log.
 *
 * <p>In shadow mode a denial is only logged ("would deny") and the request goes on, except for
 * anonymous callers and for writes of state the proxy owns (bucket policies), which are refused
 * as usual: shadow mode must never let an unauthenticated write through or persist what the
 * caller could not have written.
 *
 * <pre>S3RequestModeler → <b>RequestAuthorizer</b> → ExpectContinueResponder → …</pre>
 */
public final class RequestAuthorizer extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestAuthorizer.class);

  /** Operations whose 404 for a missing key depends on s3:ListBucket (AWS rule). */
  private static final Set<S3Operation> READS_OBJECT = EnumSet.of(S3Operation.HEAD_OBJECT, S3Operation.GET_OBJECT);

  /** Proxy-owned state: never written on a shadow-mode "would deny". */
  private static final Set<S3Operation> PROXY_OWNED_WRITES =
      EnumSet.of(S3Operation.PUT_BUCKET_POLICY, S3Operation.DELETE_BUCKET_POLICY);

  private final PermissionResolver permissions;
  private final BucketPolicyStore bucketPolicies;
  private final RequestContextFactory contexts;
  private final AuthorizationMessages messages;
  private final boolean shadowMode;
  private final BodyDiscarder body = new BodyDiscarder();

  public RequestAuthorizer(
      PermissionResolver permissions, BucketPolicyStore bucketPolicies, RequestContextFactory contexts,
      AuthorizationMessages messages, boolean shadowMode) {
    this.messages = messages;
    this.permissions = permissions;
    this.bucketPolicies = bucketPolicies;
    this.contexts = contexts;
    this.shadowMode = shadowMode;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ModeledRequest m) {
      AuthorizedRequest authorized;
      try {
        authorized = authorize(ctx, m.authenticated(), m.model());
      } catch (S3Exception e) {
        boolean close = body.start(m.authenticated().head());
        ctx.fireChannelRead(new FailedRequest(m.authenticated().head(), m.authenticated().requestId(), Service.S3, e, close));
        return;
      }
      ctx.fireChannelRead(authorized);
    } else if (!body.discard(msg)) {
      ctx.fireChannelRead(msg);
    }
  }

  private AuthorizedRequest authorize(ChannelHandlerContext ctx, AuthenticatedRequest r, S3RequestModel model)
      throws S3Exception {
    S3Request s3 = model.policyView();
    S3Authorization needed = S3ActionTable.resolve(s3); // on the model's own classification
    Evaluation evaluation = new Evaluation(ctx, r, s3);
    for (S3Permission p : needed.permissions()) {
      Denial denial = evaluation.check(p);
      if (denial != null && !shadow(r, model, denial)) {
        throw denied(evaluation, denial, r);
      }
    }
    AuthorizedRequest.KeyPermission perKey =
        needed.evaluatedPerKey()
            ? (key, versionId) -> {
              Denial d = evaluation.check(S3ActionTable.deleteObjectsEntry(s3.bucket(), key, versionId));
              if (d == null || shadow(r, model, d)) {
                return null;
              }
              return r.caller().isAnonymous() ? S3Error.ACCESS_DENIED.defaultMessage() : d.decision().accessDeniedMessage();
            }
            : null;
    boolean hideMissing =
        READS_OBJECT.contains(needed.operation())
            && evaluation.check(new S3Permission("s3:ListBucket", S3Permission.bucketArn(s3.bucket()))) != null;
    return new AuthorizedRequest(r, model, perKey, hideMissing, false);
  }

  private S3Exception denied(Evaluation evaluation, Denial denial, AuthenticatedRequest r) {
    if (r.caller().isAnonymous()) {
      // AWS tells an anonymous caller nothing about the policies it met.
      return new S3Exception(S3Error.ACCESS_DENIED);
    }
    // Evaluated again with a trace: denials are rare, and the sealed message explains them fully.
    Decision traced = PolicyEvaluator.evaluate(denial.policies(), denial.context(), true);
    return new S3Exception(
        S3Error.ACCESS_DENIED,
        traced.accessDeniedMessage(),
        Map.of("EncodedAuthorizationMessage", messages.encode(traced, denial.context())));
  }

  /** A decision that did not allow, with the policies and context it was made in. */
  private record Denial(Decision decision, PolicySet policies, RequestContext context) {}

  /** One request's checks: the policy set of each bucket is assembled once. */
  private final class Evaluation {
    private final ChannelHandlerContext ctx;
    private final AuthenticatedRequest r;
    private final S3Request s3;
    private final Map<String, PolicySet> byBucket = new HashMap<>(2);

    Evaluation(ChannelHandlerContext ctx, AuthenticatedRequest r, S3Request s3) {
      this.ctx = ctx;
      this.r = r;
      this.s3 = s3;
    }

    /** Evaluates one permission against the policies of its resource's bucket; null when allowed. */
    Denial check(S3Permission p) {
      PolicySet policies = byBucket.computeIfAbsent(bucketOf(p.resource()),
          b -> permissions.forCaller(r.caller()).withResource(b.isEmpty() ? null : bucketPolicies.find(b)));
      boolean trace = LOG.isDebugEnabled();
      RequestContext context =
          contexts.create(r.caller(), s3, r.verified(), ctx.channel().remoteAddress(), false, p.action(), p.resource());
      Decision decision = PolicyEvaluator.evaluate(policies, context, trace);
      if (trace) {
        LOG.debug("request {}: {} {}\n{}", r.requestId(), p.action(), decision.summary(), decision.trace());
      }
      return decision.allowed() ? null : new Denial(decision, policies, context);
    }
  }

  /** {@code arn:aws:s3:::bucket[/key]} → bucket; "" for the service ("*"). */
  static String bucketOf(String resourceArn) {
    String prefix = "arn:aws:s3:::";
    if (!resourceArn.startsWith(prefix)) {
      return "";
    }
    String rest = resourceArn.substring(prefix.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** In shadow mode a denial is only logged, and the request goes on (with the exceptions above). */
  private boolean shadow(AuthenticatedRequest r, S3RequestModel model, Denial denial) {
    if (!shadowMode || r.caller().isAnonymous() || PROXY_OWNED_WRITES.contains(model.operation())) {
      return false;
    }
    LOG.warn("request {}: shadow mode, would deny: {}", r.requestId(), denial.decision().explainedMessage());
    return true;
  }
}
