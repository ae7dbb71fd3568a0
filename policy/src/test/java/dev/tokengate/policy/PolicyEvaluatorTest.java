package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven evaluator tests: every row of {@code cases/*.json} is a policy set, a request and
 * the expected decision (or the expected MalformedPolicyDocument message).
 *
 * <p>Row shorthands: {@code stmt} is the statement list of one 2012-10-17 identity policy;
 * {@code cond} is the Condition of an identity statement allowing {@code s3:*} on {@code *}.
 */
class PolicyEvaluatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FILES = {"conditions", "variables", "elements", "combination", "malformed", "s3"};
  private static final String DEFAULT_PRINCIPAL = "arn:aws:iam::123456789012:user/alice";

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String file : FILES) {
      try (InputStream in = PolicyEvaluatorTest.class.getResourceAsStream("/cases/" + file + ".json")) {
        if (in == null) {
          throw new IllegalStateException("missing test resource cases/" + file + ".json");
        }
        for (JsonNode row : JSON.readTree(in)) {
          out.add(Arguments.of(Named.of(file + ": " + row.get("name").asText(), row)));
        }
      }
    }
    return out.stream();
  }

  @Test
  void tableHasAtLeast150Cases() throws IOException {
    assertTrue(cases().count() >= 150, "the evaluator table must keep at least 150 cases");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluatesRow(JsonNode row) {
    String expect = row.get("expect").asText();
    if (expect.equals("MALFORMED")) {
      MalformedPolicyException e = assertThrows(MalformedPolicyException.class, () -> policySet(row));
      assertTrue(e.getMessage().contains(row.get("message").asText()),
          "message was: " + e.getMessage());
      return;
    }
    PolicySet set = policySet(row);
    RequestContext context = context(row);
    Decision decision = PolicyEvaluator.evaluate(set, context, true);
    assertEquals(expect, decision.outcome().name(), decision.trace());
    if (row.has("reason")) {
      assertEquals(row.get("reason").asText(), decision.reason().name(), decision.trace());
    }
    if (row.has("message")) {
      assertEquals(row.get("message").asText(), decision.accessDeniedMessage());
    }
    if (row.has("sid")) {
      assertTrue(decision.statements().stream().anyMatch(s -> row.get("sid").asText().equals(s.sid())),
          "deciding statements " + decision.statements());
    }
    // The untraced hot path must agree with the traced one.
    assertEquals(decision.outcome(), PolicyEvaluator.evaluate(set, context).outcome());
  }

  static PolicySet policySet(JsonNode row) {
    List<Policy> identity = new ArrayList<>();
    if (row.has("stmt")) {
      identity.add(parse("{\"Version\":\"2012-10-17\",\"Statement\":" + row.get("stmt") + "}",
          PolicyType.IDENTITY, "inline"));
    }
    if (row.has("cond")) {
      identity.add(parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Cond\",\"Effect\":\"Allow\","
          + "\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":" + row.get("cond") + "}}",
          PolicyType.IDENTITY, "inline"));
    }
    addAll(row, "identity", PolicyType.IDENTITY, identity);
    for (JsonNode arn : row.path("managed")) {
      identity.add(ManagedPolicies.lookup(arn.asText()).orElseThrow());
    }
    List<Policy> resource = new ArrayList<>();
    addAll(row, "resource", PolicyType.RESOURCE, resource);
    List<Policy> session = new ArrayList<>();
    addAll(row, "session", PolicyType.SESSION, session);
    Policy boundary = row.has("boundary") ? parse(row.get("boundary").toString(), PolicyType.BOUNDARY, "boundary")
        : null;
    return new PolicySet(identity, resource, session, boundary);
  }

  private static void addAll(JsonNode row, String field, PolicyType type, List<Policy> into) {
    int i = 0;
    for (JsonNode doc : row.path(field)) {
      into.add(parse(doc.isTextual() ? doc.asText() : doc.toString(), type, field + i++));
    }
  }

  private static Policy parse(String json, PolicyType type, String name) {
    return PolicyParser.parse(json, type, name);
  }

  static RequestContext context(JsonNode row) {
    String arn = row.path("principal").asText(DEFAULT_PRINCIPAL);
    String userId = row.has("userid") ? row.get("userid").asText() : null;
    Principal principal = Principal.fromArn(arn, userId);
    RequestContext context = RequestContext.of(principal, row.path("action").asText("s3:GetObject"),
        row.path("resourceArn").asText("arn:aws:s3:::b/k"));
    row.path("ctx").properties().forEach(e -> {
      List<String> values = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(v -> values.add(v.asText()));
      } else {
        values.add(e.getValue().asText());
      }
      context.put(e.getKey(), values);
    });
    row.path("unset").forEach(k -> context.put(k.asText(), List.of()));
    if (!row.has("expect")) {
      fail("row without expect");
    }
    return context;
  }
}
