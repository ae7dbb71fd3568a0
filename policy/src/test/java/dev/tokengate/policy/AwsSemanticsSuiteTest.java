package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS-semantics decision suite, policy half: one row per documented AWS behaviour of the
 * evaluation logic across principal types (IAM user, role session, federated user, anonymous,
 * account root), policy types (identity, resource, trust, session, boundary) and condition keys,
 * plus PutBucketPolicy's validation. Every row names the AWS page it comes from in {@code doc};
 * where AWS's documentation is silent, {@code choice} says what tokengate does and why. The STS
 * caller rules and the proxy-built keys (principal tags, session keys) are the other half, {@code
 * dev.tokengate.proxy.sts.StsSemanticsSuiteTest}.
 *
 * <p>Row fields: {@code principal} (an ARN or {@code anonymous}), {@code issuer} (the role ARN with
 * its path, or the IAM user of a federated session), {@code userid}; policies as {@code stmt}
 * (identity statements), {@code identity}/{@code resource}/{@code session} (documents), {@code
 * bucketStmt}/{@code sessionStmt}/{@code boundaryStmt} (statement lists); {@code action}, {@code
 * resourceArn}, {@code ctx} (request keys); and what is expected: an outcome ({@code ALLOW}, {@code
 * EXPLICIT_DENY}, {@code IMPLICIT_DENY}) with optional {@code reason}, {@code sid}, {@code message};
 * {@code KEYS} with {@code keys} (a null value means the key must be absent); or {@code VALID} /
 * {@code MALFORMED} for a {@code bucketPolicy} of {@code bucket}.
 */
class AwsSemanticsSuiteTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String[] FILES = {"principal-keys", "principal-matching", "evaluation", "bucket-policy-validation"};
  private static final BucketPolicyValidator VALIDATOR = new BucketPolicyValidator("123456789012",
      new BucketPolicyValidator.KnownPrincipals() {
        @Override
        public boolean hasUser(String name) {
          return Set.of("alice", "bob").contains(name);
        }

        @Override
        public boolean hasRole(String name) {
          return Set.of("Reader", "Writer").contains(name);
        }
      });

  static Stream<Arguments> rows() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String file : FILES) {
      try (InputStream in = AwsSemanticsSuiteTest.class.getResourceAsStream("/semantics/" + file + ".json")) {
        if (in == null) {
          throw new IllegalStateException("missing test resource semantics/" + file + ".json");
        }
        for (JsonNode row : JSON.readTree(in)) {
          out.add(Arguments.of(Named.of(file + ": " + row.path("name").asText(), row)));
        }
      }
    }
    return out.stream();
  }

  @Test
  void everyRowCitesItsSource() throws IOException {
    List<String> names = new ArrayList<>();
    rows().forEach(a -> {
      JsonNode row = (JsonNode) ((Named<?>) a.get()[0]).getPayload();
      String doc = row.path("doc").asText("");
      assertTrue(doc.startsWith("https://"), "row without a doc link: " + row.path("name"));
      assertFalse(names.contains(row.path("name").asText()), "duplicate row name " + row.path("name"));
      names.add(row.path("name").asText());
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decidesAsAws(JsonNode row) {
    String expect = row.path("expect").asText();
    switch (expect) {
      case "VALID" -> VALIDATOR.validate(row.path("bucket").asText(), row.get("bucketPolicy").toString(), "p");
      case "MALFORMED" -> {
        MalformedPolicyException e = assertThrows(MalformedPolicyException.class,
            () -> VALIDATOR.validate(row.path("bucket").asText(), row.get("bucketPolicy").toString(), "p"));
        assertEquals(row.path("message").asText(), e.getMessage());
      }
      case "KEYS" -> keys(row, context(row));
      default -> decision(row, expect);
    }
  }

  private static void keys(JsonNode row, RequestContext context) {
    assertTrue(row.has("keys"), "a KEYS row needs keys");
    row.get("keys").properties().forEach(e -> {
      if (e.getValue().isNull()) {
        assertFalse(context.has(e.getKey()), e.getKey() + " must be absent, context: " + context);
      } else {
        List<String> expected = new ArrayList<>();
        if (e.getValue().isArray()) {
          e.getValue().forEach(v -> expected.add(v.asText()));
        } else {
          expected.add(e.getValue().asText());
        }
        assertEquals(expected, context.values(e.getKey()), e.getKey() + " in " + context);
      }
    });
  }

  private static void decision(JsonNode row, String expect) {
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
          "deciding statements " + decision.statements() + "\n" + decision.trace());
    }
    if (row.has("keys")) {
      keys(row, context);
    }
    assertEquals(decision.outcome(), PolicyEvaluator.evaluate(set, context).outcome(), "traced and untraced differ");
  }

  private static PolicySet policySet(JsonNode row) {
    PolicySet base = PolicyEvaluatorTest.policySet(row);
    List<Policy> identity = new ArrayList<>(base.identity());
    List<Policy> resource = new ArrayList<>(base.resource());
    List<Policy> session = new ArrayList<>(base.session());
    Policy boundary = base.boundary();
    if (row.has("bucketStmt")) {
      resource.add(doc(row.get("bucketStmt"), PolicyType.RESOURCE, "bucket policy"));
    }
    if (row.has("sessionStmt")) {
      session.add(doc(row.get("sessionStmt"), PolicyType.SESSION, "session policy"));
    }
    if (row.has("boundaryStmt")) {
      boundary = doc(row.get("boundaryStmt"), PolicyType.BOUNDARY, "boundary");
    }
    return new PolicySet(identity, resource, session, boundary);
  }

  private static Policy doc(JsonNode statements, PolicyType type, String name) {
    return PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":" + statements + "}", type, name);
  }

  private static RequestContext context(JsonNode row) {
    String arn = row.path("principal").asText("arn:aws:iam::123456789012:user/alice");
    String userId = row.has("userid") ? row.get("userid").asText() : null;
    Principal principal = arn.equals(Principal.ANONYMOUS_ARN) ? Principal.anonymous() : Principal.fromArn(arn, userId);
    if (row.has("issuer")) {
      principal = principal.withIssuer(row.get("issuer").asText());
    }
    RequestContext context = RequestContext.of(principal, row.path("action").asText("s3:GetObject"),
        row.path("resourceArn").asText("arn:aws:s3:::b/k"));
    for (Map.Entry<String, JsonNode> e : row.path("ctx").properties()) {
      List<String> values = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(v -> values.add(v.asText()));
      } else {
        values.add(e.getValue().asText());
      }
      context.put(e.getKey(), values);
    }
    return context;
  }
}
