package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.Decision;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.policy.Principal;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.proxy.token.Keyring;
import dev.tokengate.proxy.token.KeyringAead;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The encoded authorization message always fits DecodeAuthorizationMessage's 10 240 characters,
 * whatever the request carries, and anonymous callers get none.
 */
class AuthorizationMessagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final AuthorizationMessages messages =
      new AuthorizationMessages(new KeyringAead(Keyring.generate(random), random));

  private static Decision deny(RequestContext context) {
    PolicySet set = PolicySet.ofIdentity(List.of(PolicyParser.parse(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Get\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
            + "\"Resource\":\"*\"}]}", PolicyType.IDENTITY, "inline")));
    return PolicyEvaluator.evaluate(set, context, true);
  }

  private JsonNode decoded(String encoded) throws Exception {
    assertTrue(encoded.length() <= AuthorizationMessages.MAX_ENCODED_CHARS, "encoded length " + encoded.length());
    return JSON.readTree(messages.decode(encoded));
  }

  @Test
  void anOrdinaryDenialKeepsEverything() throws Exception {
    RequestContext c = RequestContext.of(Principal.user("123456789012", "alice", "AIDA1"), "s3:PutObject",
        "arn:aws:s3:::b/k").put("aws:UserAgent", "aws-cli/2.15");
    JsonNode m = decoded(messages.encode(deny(c), c));
    assertEquals("aws-cli/2.15", m.path("context").path("conditions").path("aws:useragent").path(0).asText());
    assertFalse(m.path("trace").asText().isEmpty());
    assertTrue(m.path("omitted").isMissingNode());
  }

  @Test
  void aLongUserAgentIsCut() throws Exception {
    String agent = "x".repeat(8000);
    RequestContext c = RequestContext.of(Principal.user("123456789012", "alice", "AIDA1"), "s3:PutObject",
        "arn:aws:s3:::b/k").put("aws:UserAgent", agent);
    JsonNode m = decoded(messages.encode(deny(c), c));
    String kept = m.path("context").path("conditions").path("aws:useragent").path(0).asText();
    assertTrue(kept.startsWith("x".repeat(AuthorizationMessages.MAX_VALUE_CHARS)), kept);
    assertTrue(kept.endsWith("(8000 characters)"), kept);
  }

  @Test
  void controlCharactersThatJsonEscapesSixFoldStillFit() throws Exception {
    String key = "\u0001".repeat(1024);
    RequestContext c = RequestContext.of(Principal.user("123456789012", "alice", "AIDA1"), "s3:DeleteObject",
        "arn:aws:s3:::b/" + key);
    for (int i = 0; i < 50; i++) {
      c.put("aws:PrincipalTag/" + "\u0002".repeat(120) + i, "\u0003".repeat(256));
    }
    c.put("aws:UserAgent", "\u0004".repeat(8000));
    JsonNode m = decoded(messages.encode(deny(c), c));
    assertEquals("s3:DeleteObject", m.path("context").path("action").asText());
    assertTrue(m.path("omitted").asText().contains("DecodeAuthorizationMessage"), m.toString());
  }

  @Test
  void manyLongValuesDropTheTraceFirst() throws Exception {
    RequestContext c = RequestContext.of(Principal.user("123456789012", "alice", "AIDA1"), "s3:PutObject",
        "arn:aws:s3:::b/" + "k".repeat(1024));
    for (int i = 0; i < 40; i++) {
      c.put("aws:PrincipalTag/t" + i, "v".repeat(256));
    }
    JsonNode m = decoded(messages.encode(deny(c), c));
    assertTrue(m.path("trace").isMissingNode(), "the trace goes first when over budget");
  }

  @Test
  void anonymousCallersGetNoEncodedMessage() {
    RequestContext c = RequestContext.of(Principal.anonymous(), "s3:PutObject", "arn:aws:s3:::b/k");
    Decision d = deny(c);
    assertEquals(Map.of(), messages.errorElements(d, c));
    assertEquals("Access Denied", d.accessDeniedMessage());
  }

  @Test
  void signedCallersGetOne() {
    RequestContext c = RequestContext.of(Principal.user("123456789012", "alice", "AIDA1"), "s3:PutObject",
        "arn:aws:s3:::b/k");
    assertTrue(messages.errorElements(deny(c), c).containsKey("EncodedAuthorizationMessage"));
  }
}
