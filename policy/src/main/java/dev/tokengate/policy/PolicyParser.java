package dev.tokengate.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and strictly validates IAM JSON policy documents into compiled {@link Policy} objects,
 * rejecting what AWS rejects with a {@link MalformedPolicyException} carrying AWS-style text.
 */
public final class PolicyParser {
  /** The current policy language version; the only one with policy variables. */
  public static final String VERSION_2012 = "2012-10-17";
  /** The legacy version (also what an absent Version means): no policy variables. */
  public static final String VERSION_2008 = "2008-10-17";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
  private static final Set<String> STATEMENT_ELEMENTS = Set.of("Sid", "Effect", "Principal",
      "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition");

  private PolicyParser() {}

  /**
   * Parses {@code json} as a policy of {@code type}, reported in decisions under {@code name}.
   *
   * @throws MalformedPolicyException when AWS would reject the document
   */
  public static Policy parse(String json, PolicyType type, String name) {
    return parse(json, type, name, PolicyDialect.AWS);
  }

  /** As {@link #parse(String, PolicyType, String)}, in {@code dialect}. */
  public static Policy parse(String json, PolicyType type, String name, PolicyDialect dialect) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedPolicyException("Syntax errors in policy.", e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedPolicyException("Syntax errors in policy.");
    }
    checkElements(root, TOP_LEVEL);
    String version = optionalText(root, "Version");
    if (version != null && !version.equals(VERSION_2012) && !version.equals(VERSION_2008)) {
      throw new MalformedPolicyException("The policy failed legacy parsing");
    }
    boolean variables = VERSION_2012.equals(version);
    String id = optionalText(root, "Id");
    JsonNode statementNode = root.get("Statement");
    if (statementNode == null || statementNode.isNull()) {
      throw new MalformedPolicyException("Missing required field Statement");
    }
    List<JsonNode> nodes = new ArrayList<>();
    if (statementNode.isArray()) {
      statementNode.forEach(nodes::add);
    } else {
      nodes.add(statementNode);
    }
    if (nodes.isEmpty()) {
      throw new MalformedPolicyException("Missing required field Statement");
    }
    List<Statement> statements = new ArrayList<>();
    Set<String> sids = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      Statement s = statement(nodes.get(i), i, type, variables, dialect);
      if (s.sid() != null && !s.sid().isEmpty() && !sids.add(s.sid())) {
        throw new MalformedPolicyException("Statement IDs (SID) in a single policy must be unique.");
      }
      statements.add(s);
    }
    return new Policy(name, type, version, id, statements);
  }

  private static Statement statement(
      JsonNode node, int index, PolicyType type, boolean variables, PolicyDialect dialect) {
    if (!node.isObject()) {
      throw new MalformedPolicyException("Syntax errors in policy.");
    }
    checkElements(node, STATEMENT_ELEMENTS);
    String sid = optionalText(node, "Sid");
    String effectText = optionalText(node, "Effect");
    if (effectText == null) {
      throw new MalformedPolicyException("Missing required field Effect");
    }
    Effect effect = Effect.parse(effectText);

    exclusive(node, "Principal", "NotPrincipal");
    exclusive(node, "Action", "NotAction");
    exclusive(node, "Resource", "NotResource");
    boolean notPrincipal = node.has("NotPrincipal");
    JsonNode principalNode = node.get(notPrincipal ? "NotPrincipal" : "Principal");
    PrincipalMatcher principal = null;
    if (type.requiresPrincipal()) {
      if (principalNode == null) {
        throw new MalformedPolicyException("Missing required field Principal");
      }
      principal = principal(principalNode, dialect);
    } else if (principalNode != null) {
      if (dialect != PolicyDialect.RGW_TENANTLESS) {
        throw new MalformedPolicyException("Policy document should not specify a principal.");
      }
      principal(principalNode, dialect); // RGW checks it, then ignores it: the holder is the principal
    }

    boolean notAction = node.has("NotAction");
    List<String> actions = strings(node.get(notAction ? "NotAction" : "Action"));
    if (actions.isEmpty()) {
      throw new MalformedPolicyException("Missing required field Action");
    }
    boolean notResource = node.has("NotResource");
    List<String> resources = strings(node.get(notResource ? "NotResource" : "Resource"));
    if (resources.isEmpty()) {
      throw new MalformedPolicyException("Missing required field Resource");
    }
    List<Condition> conditions = conditions(node.get("Condition"), variables);
    return new Statement(sid, index, effect, principal, notPrincipal, new ActionMatcher(actions), notAction,
        new ResourceMatcher(resources, variables), notResource, conditions);
  }

  private static PrincipalMatcher principal(JsonNode node, PolicyDialect dialect) {
    if (node.isTextual()) {
      if (!node.asText().equals("*")) {
        throw new MalformedPolicyException("Invalid principal in policy: " + node);
      }
      return new PrincipalMatcher(node.toString(), true, Map.of(), dialect);
    }
    if (!node.isObject() || node.isEmpty()) {
      throw new MalformedPolicyException("Invalid principal in policy: " + node);
    }
    Map<String, List<String>> entries = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      List<String> values = strings(e.getValue());
      if (values.isEmpty()) {
        throw new MalformedPolicyException("Invalid principal in policy: " + node);
      }
      entries.put(e.getKey(), values);
    }
    return new PrincipalMatcher(node.toString(), false, entries, dialect);
  }

  private static List<Condition> conditions(JsonNode node, boolean variables) {
    if (node == null) {
      return List.of();
    }
    if (!node.isObject()) {
      throw new MalformedPolicyException("Syntax errors in policy.");
    }
    List<Condition> conditions = new ArrayList<>();
    for (Map.Entry<String, JsonNode> op : node.properties()) {
      ConditionOperator operator = ConditionOperator.parse(op.getKey());
      if (!op.getValue().isObject() || op.getValue().isEmpty()) {
        throw new MalformedPolicyException("Syntax errors in policy.");
      }
      for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
        if (key.getKey().indexOf(':') <= 0) {
          throw new MalformedPolicyException(
              "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
        }
        List<String> raw = strings(key.getValue());
        if (raw.isEmpty()) {
          throw new MalformedPolicyException("Syntax errors in policy.");
        }
        List<ConditionValue> values = new ArrayList<>(raw.size());
        for (String v : raw) {
          values.add(ConditionValue.compile(operator.base(), v, variables));
        }
        conditions.add(new Condition(operator, key.getKey(), key.getKey().toLowerCase(Locale.ROOT),
            List.copyOf(values)));
      }
    }
    return List.copyOf(conditions);
  }

  private static void checkElements(JsonNode node, Set<String> allowed) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new MalformedPolicyException("Syntax errors in policy. Unknown element: " + name);
      }
    }
  }

  private static void exclusive(JsonNode node, String element, String notElement) {
    if (node.has(element) && node.has(notElement)) {
      throw new MalformedPolicyException(
          "Statement cannot contain both " + element + " and " + notElement + ".");
    }
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new MalformedPolicyException("Syntax errors in policy. " + field + " must be a string");
    }
    return v.asText();
  }

  /** A string or an array of scalars, as every list element of the grammar allows. */
  private static List<String> strings(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isValueNode()) {
      return List.of(node.asText());
    }
    if (!node.isArray()) {
      throw new MalformedPolicyException("Syntax errors in policy.");
    }
    List<String> out = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (!item.isValueNode() || item.isNull()) {
        throw new MalformedPolicyException("Syntax errors in policy.");
      }
      out.add(item.asText());
    }
    return out;
  }
}
