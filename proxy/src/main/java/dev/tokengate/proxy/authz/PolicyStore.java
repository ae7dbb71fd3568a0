package dev.tokengate.proxy.authz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.ManagedPolicies;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyDialect;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The parsed identity policies, boundaries and trust policies of every user and role, built once
 * at startup so that a broken policy stops the proxy with a precise message instead of denying at
 * the first request.
 */
public final class PolicyStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, PolicySet> userPolicies = new HashMap<>();
  private final Map<String, PolicySet> rolePolicies = new HashMap<>();
  private final Map<String, Policy> trustPolicies = new HashMap<>();
  private final Function<String, Optional<Policy>> managed;
  private final PolicyDialect dialect;

  /**
   * @throws IllegalArgumentException naming the user or role and policy that does not parse, or a
   *     managed policy ARN that is not known
   */
  public PolicyStore(Iterable<User> users, Iterable<Role> roles) {
    this(users, roles, ManagedPolicies::lookup, PolicyDialect.AWS);
  }

  /**
   * @param managed the managed policy an ARN names: AWS's, or the account's own (customer-managed)
   * @param dialect the grammar the account's inline and trust policies are read in
   */
  public PolicyStore(Iterable<User> users, Iterable<Role> roles, Function<String, Optional<Policy>> managed,
      PolicyDialect dialect) {
    this.managed = managed;
    this.dialect = dialect;
    List<String> problems = new ArrayList<>();
    for (User u : users) {
      String owner = "user " + u.name();
      userPolicies.put(
          u.name(),
          new PolicySet(
              identityPolicies(owner, u.inlinePolicies(), u.managedPolicyArns(), problems),
              List.of(),
              List.of(),
              boundary(owner, u.permissionsBoundaryArn(), problems)));
    }
    for (Role r : roles) {
      String owner = "role " + r.name();
      rolePolicies.put(
          r.name(),
          new PolicySet(
              identityPolicies(owner, r.inlinePolicies(), r.managedPolicyArns(), problems),
              List.of(),
              List.of(),
              boundary(owner, r.permissionsBoundaryArn(), problems)));
      try {
        trustPolicies.put(
            r.name(), PolicyParser.parse(withImpliedResource(r.trustPolicy(), r.arn()), PolicyType.RESOURCE, r.name() + " trust policy",
            dialect));
      } catch (MalformedPolicyException e) {
        problems.add(owner + ": trust policy: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid policies:\n  - " + String.join("\n  - ", problems));
    }
  }

  /**
   * Trust policies name no Resource: the role they are attached to is implied. Making it explicit
   * lets them be evaluated as the resource policies they are.
   */
  public static String withImpliedResource(String trustPolicy, String roleArn) {
    JsonNode root;
    try {
      root = JSON.readTree(trustPolicy);
    } catch (JsonProcessingException e) {
      return trustPolicy; // the parser reports the syntax error with AWS's message
    }
    JsonNode statements = root.path("Statement");
    for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
      if (s instanceof ObjectNode o && !o.has("Resource") && !o.has("NotResource")) {
        o.put("Resource", roleArn);
      }
    }
    return root.toString();
  }

  private List<Policy> identityPolicies(
      String owner, Map<String, String> inline, List<String> managedArns, List<String> problems) {
    List<Policy> policies = new ArrayList<>();
    inline.forEach(
        (name, json) -> {
          try {
            policies.add(PolicyParser.parse(json, PolicyType.IDENTITY, name, dialect));
          } catch (MalformedPolicyException e) {
            problems.add(owner + ": policy " + name + ": " + e.getMessage());
          }
        });
    for (String arn : managedArns) {
      Optional<Policy> policy = managed.apply(arn);
      if (policy.isPresent()) {
        policies.add(policy.get());
      } else {
        problems.add(owner + ": unknown managed policy " + arn);
      }
    }
    return policies;
  }

  private Policy boundary(String owner, String arn, List<String> problems) {
    if (arn == null) {
      return null;
    }
    Optional<Policy> boundary = managed.apply(arn).map(p -> p.as(PolicyType.BOUNDARY, arn));
    if (boundary.isEmpty()) {
      problems.add(owner + ": unknown permissions boundary " + arn);
    }
    return boundary.orElse(null);
  }

  /** A user's identity policies and boundary (empty for an unknown user: nothing is allowed). */
  public PolicySet forUser(String userName) {
    return userPolicies.getOrDefault(userName, PolicySet.ofIdentity(List.of()));
  }

  /** A role's identity policies and boundary. */
  public PolicySet forRole(String roleName) {
    return rolePolicies.getOrDefault(roleName, PolicySet.ofIdentity(List.of()));
  }

  /** A role's trust policy, evaluated as a resource policy on {@code sts:AssumeRole}. */
  public Optional<Policy> trustPolicy(String roleName) {
    return Optional.ofNullable(trustPolicies.get(roleName));
  }
}
