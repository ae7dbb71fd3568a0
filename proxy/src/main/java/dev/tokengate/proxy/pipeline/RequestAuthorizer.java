package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.metrics.ProxyMetrics;
import dev.tokengate.policy.Decision;
import dev.tokengate.policy.Decision.Outcome;
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
import dev.tokengate.proxy.authz.acl.AclLookup;
import dev.tokengate.proxy.authz.acl.AclPermission;
import dev.tokengate.proxy.authz.acl.AclRule;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
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
 * <p>ACLs come last, as on AWS, for anonymous callers: a permission no policy allowed and none
 * explicitly denied is allowed when the bucket's or object's ACL grants it to AllUsers — see {@link
 * AclRule}. A signed caller's permissions are its policies only (the proxy serves one account, in
 * which AWS, too, has users need policies; grants to AuthenticatedUsers are therefore not applied),
 * so a signed request that no policy allows is refused without the backend being asked. Only
 * anonymous requests read ACLs ({@link AclLookup}, cached); while a read is in flight the request
 * and its body wait, with reading paused. A bucket or key found missing there is answered 404 as S3
 * answers it (NoSuchKey only to callers who may list the bucket).
 *
 * <p>In shadow mode a denial is only logged ("would deny") and the request goes on, except for
 * anonymous callers and for writes of state the proxy owns and policies read (bucket policies and
 * tags), which are refused as usual: shadow mode must never let an unauthenticated write through
 * or persist what the caller could not have written.
 *
 * <pre>S3RequestModeler → <b>RequestAuthorizer</b> → ExpectContinueResponder → …</pre>
 */
public final class RequestAuthorizer extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestAuthorizer.class);

  /** Operations whose 404 for a missing key depends on s3:ListBucket (AWS rule). */
  private static final Set<S3Operation> READS_OBJECT = EnumSet.of(S3Operation.HEAD_OBJECT, S3Operation.GET_OBJECT);

  /** Proxy-owned state that grants or denies: never written on a shadow-mode "would deny". */
  private static final Set<S3Operation> PROXY_OWNED_WRITES = EnumSet.of(S3Operation.PUT_BUCKET_POLICY,
      S3Operation.DELETE_BUCKET_POLICY, S3Operation.PUT_BUCKET_TAGGING, S3Operation.DELETE_BUCKET_TAGGING);

  private final PermissionResolver permissions;
  private final BucketPolicyStore bucketPolicies;
  private final RequestContextFactory contexts;
  private final ProxyMetrics metrics;
  private final AuthorizationMessages messages;
  private final boolean shadowMode;
  private final AclLookup acls;
  private final BodyDiscarder body = new BodyDiscarder();
  /** Messages that arrived while an ACL read was in flight; null when none is. */
  private ArrayDeque<Object> waiting;

  /** @param acls null to apply no ACLs (policies only) */
  public RequestAuthorizer(
      PermissionResolver permissions, BucketPolicyStore bucketPolicies, RequestContextFactory contexts,
      AuthorizationMessages messages, boolean shadowMode, AclLookup acls, ProxyMetrics metrics) {
    this.metrics = metrics;
    this.acls = acls;
    this.messages = messages;
    this.permissions = permissions;
    this.bucketPolicies = bucketPolicies;
    this.contexts = contexts;
    this.shadowMode = shadowMode;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (waiting != null) {
      waiting.add(msg);
    } else if (msg instanceof ModeledRequest m) {
      Object result;
      try {
        result = authorize(ctx, m.authenticated(), m.model());
      } catch (S3Exception e) {
        fail(ctx, m, e);
        return;
      }
      if (result instanceof AclCheck check) {
        awaitAcls(ctx, m, check);
      } else {
        ctx.fireChannelRead(result);
      }
    } else if (!body.discard(msg)) {
      ctx.fireChannelRead(msg);
    }
  }

  private void fail(ChannelHandlerContext ctx, ModeledRequest m, S3Exception e) {
    boolean close = body.start(m.authenticated().head());
    ctx.fireChannelRead(new FailedRequest(m.authenticated().head(), m.authenticated().requestId(), Service.S3, e, close));
  }

  /** @return the {@link AuthorizedRequest}, or an {@link AclCheck} still to decide */
  private Object authorize(ChannelHandlerContext ctx, AuthenticatedRequest r, S3RequestModel model)
      throws S3Exception {
    S3Request s3 = model.policyView();
    S3Authorization needed = S3ActionTable.resolve(s3); // on the model's own classification
    Evaluation evaluation = new Evaluation(ctx, r, s3);
    AclCheck check = new AclCheck(r, model, needed, evaluation);
    for (S3Permission p : needed.permissions()) {
      Denial denial = evaluation.check(p);
      if (denial == null) {
        continue;
      }
      // ACLs speak for anonymous callers only: a signed caller's permissions are its policies (see the class doc).
      AclRule rule = acls == null || !r.caller().isAnonymous() || denial.decision().outcome() != Outcome.IMPLICIT_DENY
          ? null : AclRule.of(p.action(), needed.operation());
      if (rule != null) {
        check.pending.add(new PendingGrant(p, rule, denial));
      } else if (!shadow(r, model, denial)) {
        throw denied(evaluation, denial, r);
      }
    }
    if (check.pending.isEmpty()) {
      return authorized(check);
    }
    for (PendingGrant g : check.pending) {
      check.need(g.bucket(), null);
      if (g.rule().onObject()) {
        check.need(g.bucket(), g.key());
      }
    }
    return check.toLoad.isEmpty() ? check.decide() : check;
  }

  private AuthorizedRequest authorized(AclCheck check) {
    AuthenticatedRequest r = check.r;
    S3RequestModel model = check.model;
    S3Request s3 = model.policyView();
    Evaluation evaluation = check.evaluation;
    AuthorizedRequest.KeyPermission perKey =
        check.needed.evaluatedPerKey()
            ? (key, versionId) -> {
              Denial d = evaluation.check(S3ActionTable.deleteObjectsEntry(s3.bucket(), key, versionId));
              if (d == null || shadow(r, model, d)) {
                return null;
              }
              return r.caller().isAnonymous() ? S3Error.ACCESS_DENIED.defaultMessage() : d.decision().accessDeniedMessage();
            }
            : null;
    boolean hideMissing = READS_OBJECT.contains(check.needed.operation()) && !check.mayList();
    return new AuthorizedRequest(r, model, perKey, hideMissing, false);
  }

  /** Reads the ACLs a check needs, with the request and its body held meanwhile, then decides. */
  private void awaitAcls(ChannelHandlerContext ctx, ModeledRequest m, AclCheck check) {
    waiting = new ArrayDeque<>();
    ctx.channel().config().setAutoRead(false);
    int[] left = {check.toLoad.size()};
    for (String[] id : check.toLoad) {
      acls.load(ctx.channel().eventLoop(), id[0], id[1]).addListener(loaded -> {
        check.found.put(AclCheck.id(id[0], id[1]), (AclLookup.Found) loaded.getNow());
        if (--left[0] == 0) {
          resume(ctx, m, check);
        }
      });
    }
  }

  private void resume(ChannelHandlerContext ctx, ModeledRequest m, AclCheck check) {
    ArrayDeque<Object> held = waiting;
    waiting = null;
    if (!ctx.channel().isActive()) {
      held.forEach(ReferenceCountUtil::release);
      return;
    }
    try {
      ctx.fireChannelRead(check.decide());
    } catch (S3Exception e) {
      fail(ctx, m, e);
    }
    ctx.channel().config().setAutoRead(true);
    while (!held.isEmpty() && waiting == null) {
      channelRead(ctx, held.poll());
    }
    if (waiting != null) {
      waiting.addAll(held);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (waiting != null) {
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
    }
    ctx.fireChannelInactive();
  }

  /** A permission no policy decided, waiting on an ACL. */
  private record PendingGrant(S3Permission permission, AclRule rule, Denial denial) {
    String bucket() {
      return bucketOf(permission.resource());
    }

    String key() {
      String rest = permission.resource().substring("arn:aws:s3:::".length());
      return rest.substring(rest.indexOf('/') + 1);
    }
  }

  /** One request's permissions that only an ACL can still allow, and the ACLs they need. */
  private final class AclCheck {
    final AuthenticatedRequest r;
    final S3RequestModel model;
    final S3Authorization needed;
    final Evaluation evaluation;
    final List<PendingGrant> pending = new ArrayList<>(2);
    final List<String[]> toLoad = new ArrayList<>(2);
    final Map<String, AclLookup.Found> found = new HashMap<>(4);

    AclCheck(AuthenticatedRequest r, S3RequestModel model, S3Authorization needed, Evaluation evaluation) {
      this.r = r;
      this.model = model;
      this.needed = needed;
      this.evaluation = evaluation;
    }

    static String id(String bucket, String key) {
      return key == null ? bucket : bucket + "/" + key;
    }

    /** Takes the cached answer, or notes that it must be read. */
    void need(String bucket, String key) {
      String id = id(bucket, key);
      if (found.containsKey(id) || toLoad.stream().anyMatch(l -> id(l[0], l[1]).equals(id))) {
        return;
      }
      AclLookup.Found cached = acls.cached(bucket, key);
      if (cached != null) {
        found.put(id, cached);
      } else {
        toLoad.add(new String[] {bucket, key});
      }
    }

    AuthorizedRequest decide() throws S3Exception {
      boolean anonymous = r.caller().isAnonymous();
      for (PendingGrant g : pending) {
        if (!(found.get(g.bucket()) instanceof AclLookup.Present bucket)) {
          throw new S3Exception(S3Error.NO_SUCH_BUCKET);
        }
        boolean granted;
        if (!g.rule().onObject()) {
          granted = !bucket.aclsDisabled() && bucket.acl().grants(g.rule().permission(), anonymous);
        } else {
          AclLookup.Found object = found.get(id(g.bucket(), g.key()));
          if (object instanceof AclLookup.Missing missing) {
            if (missing.bucket()) {
              throw new S3Exception(S3Error.NO_SUCH_BUCKET);
            }
            if (mayList()) {
              throw new S3Exception(S3Error.NO_SUCH_KEY);
            }
            granted = false;
          } else {
            granted = !bucket.aclsDisabled() && ((AclLookup.Present) object).acl().grants(g.rule().permission(), anonymous);
          }
        }
        if (!granted && !shadow(r, model, g.denial())) {
          throw denied(evaluation, g.denial(), r);
        }
      }
      return authorized(this);
    }

    /** Whether the caller may list the request's bucket: by policy, or by an ACL read for this check. */
    boolean mayList() {
      S3Request s3 = model.policyView();
      if (evaluation.check(new S3Permission("s3:ListBucket", S3Permission.bucketArn(s3.bucket()))) == null) {
        return true;
      }
      return found.get(s3.bucket()) instanceof AclLookup.Present bucket && !bucket.aclsDisabled()
          && bucket.acl().grants(AclPermission.READ, r.caller().isAnonymous());
    }
  }

  private S3Exception denied(Evaluation evaluation, Denial denial, AuthenticatedRequest r) {
    metrics.authorizationDenial(denial.context().action());
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
  /** What the account root may always do to a bucket policy, whatever the policy says (AWS's lock-out rescue). */
  private static final Set<String> ROOT_RESCUE = Set.of("s3:GetBucketPolicy", "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy");

  private final class Evaluation {
    private final ChannelHandlerContext ctx;
    private final AuthenticatedRequest r;
    private final S3Request s3;
    private final Map<String, PolicySet> byBucket = new HashMap<>(2);

    /**
     * A bucket policy that denies everyone its own management would lock the account out; AWS lets
     * the account root read, replace or delete it all the same, so only the root's own policies count
     * (unless the policy was put with {@code x-amz-confirm-remove-self-bucket-access: true}).
     */
    private boolean rootRescue(S3Permission p) {
      return ROOT_RESCUE.contains(p.action()) && r.caller().user() != null && r.caller().role() == null
          && !r.caller().isFederatedSession() && r.caller().user().accountRoot()
          && !bucketPolicies.rootLockedOut(bucketOf(p.resource()));
    }

    Evaluation(ChannelHandlerContext ctx, AuthenticatedRequest r, S3Request s3) {
      this.ctx = ctx;
      this.r = r;
      this.s3 = s3;
    }

    /** Evaluates one permission against the policies of its resource's bucket; null when allowed. */
    Denial check(S3Permission p) {
      PolicySet policies = rootRescue(p)
          ? permissions.forCaller(r.caller())
          : byBucket.computeIfAbsent(bucketOf(p.resource()),
              b -> permissions.forCaller(r.caller()).withResource(b.isEmpty() ? null : bucketPolicies.find(b)));
      boolean trace = LOG.isDebugEnabled();
      RequestContext context =
          contexts.create(r.caller(), s3, r.verified(), ctx.channel().remoteAddress(),
              ProxyInitializer.overTls(ctx.channel()), p.action(), p.resource());
      Decision decision = PolicyEvaluator.evaluate(policies, context, trace);
      if (trace) {
        LOG.debug("request {}: {} {}\n{}", r.requestId(), p.action(), decision.summary(), decision.trace());
      }
      return decision.allowed() ? null : new Denial(decision, policies, context);
    }
  }

  /** {@code arn:aws:s3:::bucket[/key]} → bucket; "" for the service ({@code arn:aws:s3:::*} or "*"). */
  static String bucketOf(String resourceArn) {
    String prefix = "arn:aws:s3:::";
    if (!resourceArn.startsWith(prefix)) {
      return "";
    }
    String rest = resourceArn.substring(prefix.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    return bucket.equals("*") ? "" : bucket; // the service-level resource (ListAllMyBuckets)
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
