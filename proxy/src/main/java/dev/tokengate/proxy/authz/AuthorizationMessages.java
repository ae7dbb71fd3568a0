package dev.tokengate.proxy.authz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.policy.Decision;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.StatementRef;
import dev.tokengate.proxy.token.KeyringAead;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The encoded authorization message of a denial: the full decision (deciding statements, reason,
 * trace) and request context as JSON, sealed under the keyring so only a caller allowed {@code
 * sts:DecodeAuthorizationMessage} can read it, through STS — AWS's way of explaining a denial
 * without telling the caller more than it may know.
 */
public final class AuthorizationMessages {
  private static final byte[] PURPOSE = "tokengate authorization message".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bounds the trace so the message stays within DecodeAuthorizationMessage's 10 240 characters. */
  private static final int MAX_TRACE_CHARS = 3000;

  private final KeyringAead aead;

  public AuthorizationMessages(KeyringAead aead) {
    this.aead = aead;
  }

  public String encode(Decision decision, RequestContext context) {
    ObjectNode root = JSON.createObjectNode();
    root.put("allowed", decision.allowed());
    root.put("explicitDeny", decision.outcome() == Decision.Outcome.EXPLICIT_DENY);
    root.put("reason", decision.allowed() ? "allowed" : decision.reason().phrase(decision.action()));
    ArrayNode matched = root.putObject("matchedStatements").putArray("items");
    for (StatementRef s : decision.statements()) {
      ObjectNode item = matched.addObject();
      item.put("statementId", s.sid());
      item.put("index", s.index());
      item.put("effect", s.effect().name());
      item.put("policyName", s.policyName());
      item.put("policyType", s.policyType().label());
    }
    ObjectNode ctx = root.putObject("context");
    ctx.putObject("principal").put("id", context.principal().userId()).put("arn", context.principal().arn());
    ctx.put("action", context.action());
    ctx.put("resource", context.resource());
    ObjectNode conditions = ctx.putObject("conditions");
    for (Map.Entry<String, List<String>> key : context.keys().entrySet()) {
      ArrayNode values = conditions.putArray(key.getKey());
      key.getValue().forEach(values::add);
    }
    String trace = decision.trace();
    if (!trace.isEmpty()) {
      root.put("trace", trace.length() > MAX_TRACE_CHARS ? trace.substring(0, MAX_TRACE_CHARS) + "…" : trace);
    }
    try {
      return aead.seal(JSON.writeValueAsBytes(root), PURPOSE);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings must always serialise", e);
    }
  }

  /** The decoded JSON, or a NotOpened for anything that is not one of our messages. */
  public String decode(String encoded) throws KeyringAead.NotOpened {
    return new String(aead.open(encoded, PURPOSE), StandardCharsets.UTF_8);
  }
}
