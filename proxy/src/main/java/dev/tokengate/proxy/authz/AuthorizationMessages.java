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
 *
 * <p>DecodeAuthorizationMessage accepts at most {@value #MAX_ENCODED_CHARS} characters, so what goes
 * in is bounded: every request value is cut to {@value #MAX_VALUE_CHARS} characters (a User-Agent
 * or key can be kilobytes), and if the document is still over budget the trace, then the
 * condition values, then the long fields are dropped, each with a note saying so. An anonymous
 * caller gets no message at all (S3 tells outsiders only "Access Denied").
 */
public final class AuthorizationMessages {
  /** DecodeAuthorizationMessage's EncodedMessage limit (STS API reference: 1–10240 characters). */
  public static final int MAX_ENCODED_CHARS = 10240;
  static final int MAX_VALUE_CHARS = 256;
  private static final int MAX_TRACE_CHARS = 2000;
  /** Plaintext that seals to at most MAX_ENCODED_CHARS: base64 of (33 bytes of framing + plaintext). */
  static final int MAX_PLAINTEXT_BYTES = MAX_ENCODED_CHARS / 4 * 3 - 33 - 64;

  private static final byte[] PURPOSE = "tokengate authorization message".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyringAead aead;

  public AuthorizationMessages(KeyringAead aead) {
    this.aead = aead;
  }

  /**
   * The extra elements of the S3 AccessDenied error for {@code decision}: {@code
   * EncodedAuthorizationMessage}, or none for an anonymous caller.
   */
  public Map<String, String> errorElements(Decision decision, RequestContext context) {
    return decision.anonymous() ? Map.of() : Map.of("EncodedAuthorizationMessage", encode(decision, context));
  }

  /** The sealed message, always short enough for DecodeAuthorizationMessage. */
  public String encode(Decision decision, RequestContext context) {
    byte[] plain = bytes(document(decision, context, Detail.FULL));
    for (Detail d : new Detail[] {Detail.NO_TRACE, Detail.NO_CONDITION_VALUES, Detail.MINIMAL}) {
      if (plain.length <= MAX_PLAINTEXT_BYTES) {
        break;
      }
      plain = bytes(document(decision, context, d));
    }
    return aead.seal(plain, PURPOSE);
  }

  /** How much of the decision goes in, from everything down to a document of bounded size. */
  private enum Detail { FULL, NO_TRACE, NO_CONDITION_VALUES, MINIMAL }

  private static ObjectNode document(Decision decision, RequestContext context, Detail detail) {
    ObjectNode root = JSON.createObjectNode();
    root.put("allowed", decision.allowed());
    root.put("explicitDeny", decision.outcome() == Decision.Outcome.EXPLICIT_DENY);
    root.put("reason", decision.allowed() ? "allowed" : decision.reason().phrase(decision.action()));
    ArrayNode matched = root.putObject("matchedStatements").putArray("items");
    for (StatementRef s : decision.statements()) {
      ObjectNode item = matched.addObject();
      item.put("statementId", cut(s.sid(), detail));
      item.put("index", s.index());
      item.put("effect", s.effect().name());
      item.put("policyName", cut(s.policyName(), detail));
      item.put("policyType", s.policyType().label());
    }
    ObjectNode ctx = root.putObject("context");
    ctx.putObject("principal").put("id", cut(context.principal().userId(), detail))
        .put("arn", cut(context.principal().arn(), detail));
    ctx.put("action", cut(context.action(), detail));
    ctx.put("resource", cut(context.resource(), detail));
    ObjectNode conditions = ctx.putObject("conditions");
    for (Map.Entry<String, List<String>> key : context.keys().entrySet()) {
      if (detail == Detail.MINIMAL) {
        break;
      }
      ArrayNode values = conditions.putArray(cut(key.getKey(), detail));
      if (detail == Detail.NO_CONDITION_VALUES) {
        continue;
      }
      key.getValue().forEach(v -> values.add(cut(v, detail)));
    }
    if (detail != Detail.FULL) {
      root.put("omitted", switch (detail) {
        case NO_TRACE -> "the trace, to fit DecodeAuthorizationMessage's limit";
        case NO_CONDITION_VALUES -> "the trace and condition values, to fit DecodeAuthorizationMessage's limit";
        default -> "the trace and conditions, and long values were cut, to fit DecodeAuthorizationMessage's limit";
      });
    }
    String trace = decision.trace();
    if (!trace.isEmpty() && detail == Detail.FULL) {
      root.put("trace", trace.length() > MAX_TRACE_CHARS ? trace.substring(0, MAX_TRACE_CHARS) + "…" : trace);
    }
    return root;
  }

  /** A value cut to its budget, saying how long it was; the minimal document keeps 64 characters. */
  private static String cut(String value, Detail detail) {
    int max = detail == Detail.MINIMAL ? 64 : MAX_VALUE_CHARS;
    if (value == null || value.length() <= max) {
      return value;
    }
    int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end) + "…(" + value.length() + " characters)";
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings must always serialise", e);
    }
  }

  /** The decoded JSON, or a NotOpened for anything that is not one of our messages. */
  public String decode(String encoded) throws KeyringAead.NotOpened {
    return new String(aead.open(encoded, PURPOSE), StandardCharsets.UTF_8);
  }
}
