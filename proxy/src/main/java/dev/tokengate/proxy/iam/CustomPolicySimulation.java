package dev.tokengate.proxy.iam;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IAM's {@code SimulateCustomPolicy}: the decision the given documents alone would give, with no
 * stored identity involved. Identity policies come from {@code PolicyInputList} (named {@code
 * PolicyInputList.N} in the matched statements, as AWS names them), an optional boundary from
 * {@code PermissionsBoundaryPolicyInputList}, an optional {@code ResourcePolicy}; {@code CallerArn}
 * (an IAM user of this account) is the principal, required with a resource policy so its {@code
 * Principal} has something to match. Authorized as {@code iam:SimulateCustomPolicy} on {@code *}.
 */
final class CustomPolicySimulation {
  /** AWS's limits on one simulated document, in characters including whitespace. */
  static final int POLICY_CHARS = 131_072;

  private final IdentityStore identities;

  CustomPolicySimulation(IdentityStore identities) {
    this.identities = identities;
  }

  Map<String, Object> simulateCustomPolicy(IamCall call) throws StsException {
    call.authorize("*");
    List<String> documents = requiredList(call, "PolicyInputList");
    List<String> actions = requiredList(call, "ActionNames");
    List<Policy> identity = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      identity.add(parse(documents.get(i), PolicyType.IDENTITY, "PolicyInputList." + (i + 1)));
    }
    PolicySet policies = PolicySet.ofIdentity(identity);
    List<String> boundaries = call.request().list("PermissionsBoundaryPolicyInputList");
    if (boundaries.size() > 1) {
      throw new StsException(StsError.INVALID_INPUT, "Only one permissions boundary policy may be simulated.");
    }
    if (boundaries.size() == 1) {
      policies = policies.withBoundary(
          parse(boundaries.get(0), PolicyType.BOUNDARY, "PermissionsBoundaryPolicyInputList.1"));
    }
    String resourcePolicy = call.get("ResourcePolicy");
    String callerArn = call.get("CallerArn");
    if (resourcePolicy != null) {
      if (callerArn == null) {
        throw new StsException(StsError.INVALID_INPUT,
            "CallerArn must be specified when a ResourcePolicy is included in the simulation.");
      }
      policies = policies.withResource(parse(resourcePolicy, PolicyType.RESOURCE, "ResourcePolicy"));
    }
    Principal principal = principal(callerArn);
    List<String> resources = call.request().list("ResourceArns");
    if (resources.isEmpty()) {
      resources = List.of("*");
    }
    Map<String, List<String>> context = PolicySimulation.contextEntries(call.request());
    List<Map<String, Object>> results = new ArrayList<>();
    for (String action : actions) {
      for (String resource : resources) {
        RequestContext c = RequestContext.of(principal, action, resource).putAll(context);
        Decision d = PolicyEvaluator.evaluate(policies, c);
        results.add(PolicySimulation.result(action, resource, d));
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("IsTruncated", "false");
    result.put("EvaluationResults", results);
    return result;
  }

  /** The simulated caller: the IAM user named, or (none named) an unnamed user of the account. */
  private Principal principal(String callerArn) throws StsException {
    String account = identities.accountId();
    if (callerArn == null) {
      // AWS simulates an unnamed caller of the account; policies see no user name or id.
      return Principal.iamUser("arn:aws:iam::" + account + ":user/SimulatedCaller", null);
    }
    String prefix = "arn:aws:iam::" + account + ":user/";
    if (!callerArn.startsWith(prefix)) {
      throw new StsException(StsError.INVALID_INPUT,
          "Invalid CallerArn " + callerArn + ": only the ARN of an IAM user of account " + account + " may be given.");
    }
    String name = callerArn.substring(callerArn.lastIndexOf('/') + 1);
    User user = identities.findUser(name).filter(u -> !u.accountRoot() && u.arn().equals(callerArn))
        .orElseThrow(() -> new StsException(StsError.NO_SUCH_ENTITY,
            "The user with name " + name + " cannot be found."));
    return user.principal();
  }

  private Policy parse(String document, PolicyType type, String name) throws StsException {
    if (document.length() > POLICY_CHARS) {
      throw new StsException(StsError.INVALID_INPUT, name + " is longer than " + POLICY_CHARS + " characters.");
    }
    try {
      return PolicyParser.parse(document, type, name, identities.policyDialect());
    } catch (MalformedPolicyException e) {
      // The simulator's documented error for a bad document is InvalidInput, not MalformedPolicyDocument.
      throw new StsException(StsError.INVALID_INPUT, name + ": " + e.getMessage());
    }
  }

  /** {@code NAME.member.N}, required, with AWS's validation message when empty. */
  private static List<String> requiredList(IamCall call, String name) throws StsException {
    List<String> v = call.request().list(name);
    if (v.isEmpty()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value null at '"
          + Character.toLowerCase(name.charAt(0)) + name.substring(1)
          + "' failed to satisfy constraint: Member must not be null");
    }
    return v;
  }
}
