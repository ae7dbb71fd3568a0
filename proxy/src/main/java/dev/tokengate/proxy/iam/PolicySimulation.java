package dev.tokengate.proxy.iam;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.StatementRef;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.QueryApi;
import dev.tokengate.proxy.sts.QueryXml;
import dev.tokengate.proxy.sts.SessionCallRules;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import dev.tokengate.proxy.sts.StsXmlNamespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy simulator as an HTTP call: IAM's {@code SimulatePrincipalPolicy}, so {@code aws iam
 * simulate-principal-policy --endpoint-url …} answers "would user or role P be allowed action A on
 * resource R with context K" from the proxy's own policies (identity, boundary, and the bucket
 * policy of an S3 resource), with the deciding statements. Only that IAM action is implemented.
 *
 * <p>Who may call it follows AWS: not federated-user credentials, not GetSessionToken credentials
 * without MFA ({@link SessionCallRules#checkIam}); then {@code iam:SimulatePrincipalPolicy} on the
 * simulated principal's ARN is evaluated in the caller's full request context, so a Deny on {@code
 * aws:MultiFactorAuthPresent}, {@code aws:SourceIp} or a principal tag binds here as it does on S3.
 */
public final class PolicySimulation implements QueryApi {
  private static final String VERSION = "2010-05-08";

  private final IdentityStore identities;
  private final PermissionResolver permissions;
  private final BucketPolicyStore bucketPolicies;
  private final RequestContextFactory contexts;

  public PolicySimulation(
      IdentityStore identities, PermissionResolver permissions, BucketPolicyStore bucketPolicies,
      RequestContextFactory contexts) {
    this.identities = identities;
    this.permissions = permissions;
    this.bucketPolicies = bucketPolicies;
    this.contexts = contexts;
  }

  @Override
  public byte[] handle(StsRequest request, Caller caller, CallFacts facts, String requestId) throws StsException {
    if (caller == null) {
      throw new StsException(StsError.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
    }
    SessionCallRules.checkIam(caller);
    if (!VERSION.equals(request.version()) || !"SimulatePrincipalPolicy".equals(request.action())) {
      throw new StsException(
          StsError.INVALID_ACTION,
          "Could not find operation " + request.action() + " for version " + request.version()
              + " (tokengate implements only SimulatePrincipalPolicy of IAM " + VERSION + ")");
    }
    String source = request.get("PolicySourceArn");
    if (source == null) {
      throw new StsException(StsError.VALIDATION_ERROR,
          "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null");
    }
    List<String> actions = request.list("ActionNames");
    if (actions.isEmpty()) {
      throw new StsException(StsError.VALIDATION_ERROR,
          "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
    }
    Decision allowedToSimulate = PolicyEvaluator.evaluate(
        permissions.forCaller(caller), contexts.forCall(caller, facts, "iam:SimulatePrincipalPolicy", source));
    if (!allowedToSimulate.allowed()) {
      throw new StsException(StsError.ACCESS_DENIED, allowedToSimulate.accessDeniedMessage());
    }
    Subject subject = subject(source);
    List<String> resources = request.list("ResourceArns");
    if (resources.isEmpty()) {
      resources = List.of("*");
    }
    Map<String, List<String>> context = contextEntries(request);
    List<Map<String, Object>> results = new ArrayList<>();
    for (String action : actions) {
      for (String resource : resources) {
        RequestContext c = RequestContext.of(subject.principal(), action, resource).putAll(context);
        Decision d = PolicyEvaluator.evaluate(subject.policies().withResource(bucketPolicyOf(resource)), c);
        results.add(result(action, resource, d));
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("IsTruncated", "false");
    result.put("EvaluationResults", results);
    return QueryXml.response(StsXmlNamespace.IAM, "SimulatePrincipalPolicy", result, requestId);
  }

  private record Subject(Principal principal, PolicySet policies) {}

  private Subject subject(String arn) throws StsException {
    String account = identities.accountId();
    String name = arn.substring(arn.lastIndexOf('/') + 1);
    if (arn.startsWith("arn:aws:iam::" + account + ":user/")) {
      User user = identities.findUser(name).orElseThrow(() -> noSuchEntity("user", name));
      return new Subject(user.principal(), permissions.store().forUser(user.name()));
    }
    if (arn.startsWith("arn:aws:iam::" + account + ":role/")) {
      Role role = identities.findRole(name).orElseThrow(() -> noSuchEntity("role", name));
      return new Subject(
          Principal.roleSession(role.arn(), "SimulatePrincipalPolicy", role.roleId()),
          permissions.store().forRole(role.name()));
    }
    throw new StsException(StsError.INVALID_INPUT, "Invalid ARN " + arn + ": must be a user or role of account " + account);
  }

  private static StsException noSuchEntity(String kind, String name) {
    return new StsException(StsError.NO_SUCH_ENTITY, "The " + kind + " with name " + name + " cannot be found.");
  }

  private dev.tokengate.policy.Policy bucketPolicyOf(String resource) {
    if (!resource.startsWith("arn:aws:s3:::")) {
      return null;
    }
    String rest = resource.substring("arn:aws:s3:::".length());
    int slash = rest.indexOf('/');
    return bucketPolicies.find(slash < 0 ? rest : rest.substring(0, slash));
  }

  /** {@code ContextEntries.member.N.ContextKeyName} with {@code ContextKeyValues.member.M}. */
  static Map<String, List<String>> contextEntries(StsRequest request) {
    Map<String, List<String>> context = new LinkedHashMap<>();
    for (int n = 1; request.get("ContextEntries.member." + n + ".ContextKeyName") != null; n++) {
      context.put(
          request.get("ContextEntries.member." + n + ".ContextKeyName"),
          request.list("ContextEntries.member." + n + ".ContextKeyValues"));
    }
    return context;
  }

  static Map<String, Object> result(String action, String resource, Decision d) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("EvalActionName", action);
    r.put("EvalResourceName", resource);
    r.put(
        "EvalDecision",
        switch (d.outcome()) {
          case ALLOW -> "allowed";
          case EXPLICIT_DENY -> "explicitDeny";
          case IMPLICIT_DENY -> "implicitDeny";
        });
    List<Map<String, Object>> matched = new ArrayList<>();
    for (StatementRef s : d.statements()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("SourcePolicyId", s.policyName() + (s.sid() == null ? "" : "#" + s.sid()));
      m.put("SourcePolicyType", s.policyType().label());
      matched.add(m);
    }
    r.put("MatchedStatements", matched);
    r.put("MissingContextValues", List.of());
    return r;
  }
}
