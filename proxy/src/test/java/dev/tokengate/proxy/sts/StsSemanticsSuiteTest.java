package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import dev.tokengate.policy.Decision;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.policy.PolicySet;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.policy.s3.BucketPolicyValidator;
import dev.tokengate.proxy.authz.AuthorizationMessages;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.PolicyStore;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.iam.PolicySimulation;
import dev.tokengate.proxy.identity.AccessKeys;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.state.EmbeddedStateStore;
import dev.tokengate.proxy.token.KeyringAead;
import dev.tokengate.proxy.token.KeyringFile;
import dev.tokengate.proxy.token.SessionTokenSealer;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.Credential;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.SigV4Authorization;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS-semantics decision suite, STS half: STS's caller rules (which credentials may call which
 * action with which parameters) and the keys the proxy builds for real callers (principal tags from
 * role and session tags, session keys), run in process against the real {@link StsService}, {@link
 * PolicySimulation}, {@link CredentialResolver} and {@link RequestContextFactory} with the
 * identities of {@code semantics/world.yaml}. Every row names the AWS page it comes from in {@code
 * doc}; {@code choice} says what tokengate chose where AWS's documentation is silent.
 *
 * <p>A row's caller ({@code as}) is {@code anonymous}, a user name (long-term keys), or a list: a
 * user name, then STS calls ({@code {"call": action, "params": …}}) each made with the previous
 * credentials, whose result becomes the caller; {@code before} lists calls the caller makes first
 * (their results unused, e.g. to spend a TOTP code). Then one of: {@code call} (an STS or IAM call,
 * {@code expect} {@code ok} or an error code, with {@code status}, {@code message}, {@code result}),
 * {@code keys} (the request context of an S3 call), {@code s3} (a decision, with an optional
 * {@code bucketPolicy}), {@code expired} (credentials presented after their end). TOTP codes are
 * written {@code ${totp:user}} or {@code ${totp:user:+1}}; the clock moves four steps between rows.
 */
class StsSemanticsSuiteTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final XmlMapper XML = new XmlMapper();
  private static final String[] FILES = {"sts-caller-rules", "context-keys"};
  private static final Pattern TOTP = Pattern.compile("\\$\\{totp:(\\w+)(?::([+-]\\d+))?}");

  @TempDir static Path dataDir;
  static final SettableClock clock = new SettableClock(Instant.parse("2026-11-02T10:00:00Z"));
  static IdentityStore identities;
  static PermissionResolver permissions;
  static RequestContextFactory contexts;
  static StsService sts;
  static PolicySimulation iam;
  static CredentialResolver credentials;
  static AuthorizationMessages messages;
  static BucketPolicyValidator validator;
  static FileMfaCodeLedger ledger;

  @BeforeAll
  static void world() throws Exception {
    Path config = dataDir.resolve("world.yaml");
    try (InputStream in = StsSemanticsSuiteTest.class.getResourceAsStream("/semantics/world.yaml")) {
      Files.copy(in, config);
    }
    identities = new IdentityStore(ProxyConfig.load(config), null, EmbeddedStateStore.open(dataDir));
    permissions = new PermissionResolver(new PolicyStore(identities.users(), identities.roles()));
    SecureRandom random = new SecureRandom();
    KeyringAead aead = new KeyringAead(KeyringFile.loadOrCreate(dataDir, random), random);
    SessionTokenSealer sealer = new SessionTokenSealer(aead);
    messages = new AuthorizationMessages(aead);
    contexts = new RequestContextFactory(clock);
    ledger = FileMfaCodeLedger.open(dataDir);
    sts = new StsService(identities, permissions, contexts, sealer, messages, new AccessKeys(random), new Totp(6),
        ledger, clock);
    validator = new BucketPolicyValidator(identities.accountId(), new BucketPolicyValidator.KnownPrincipals() {
      @Override
      public boolean hasUser(String name) {
        return identities.findUser(name).isPresent();
      }

      @Override
      public boolean hasRole(String name) {
        return identities.findRole(name).isPresent();
      }
    });
    iam = new PolicySimulation(identities, permissions, new BucketPolicyStore(identities.state(), dataDir, validator), contexts);
    credentials = new CredentialResolver(identities, sealer, clock);
  }

  @AfterAll
  static void close() {
    ledger.close();
  }

  static Stream<Arguments> rows() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String file : FILES) {
      try (InputStream in = StsSemanticsSuiteTest.class.getResourceAsStream("/semantics/" + file + ".json")) {
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
      assertTrue(row.path("doc").asText("").startsWith("https://"), "row without a doc link: " + row.path("name"));
      assertFalse(names.contains(row.path("name").asText()), "duplicate row name " + row.path("name"));
      names.add(row.path("name").asText());
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decidesAsAws(JsonNode row) throws Exception {
    clock.advance(Duration.ofSeconds(120)); // four TOTP steps: every row starts with unused codes
    Session session = caller(row.path("as"));
    for (JsonNode step : row.path("before")) {
      try {
        sts.handle(request(step.get("call").asText(), step.path("params")), session.caller(), CallFacts.none(), "suite");
      } catch (StsException e) {
        throw new AssertionError("before step failed: " + e.error().code() + " " + e.getMessage(), e);
      }
    }
    if (row.has("call")) {
      call(row, session.caller());
    } else if (row.has("keys")) {
      keys(row.get("keys"), context(session.caller(), facts(row), "s3:GetObject", "arn:aws:s3:::b/k"));
    } else if (row.has("s3")) {
      s3(row, session.caller());
    } else if (row.has("expired")) {
      expired(row, session);
    } else {
      fail("a row needs call, keys, s3 or expired");
    }
  }

  /** A caller and, for a session, the credentials it was given. */
  private record Session(Caller caller, String accessKeyId, String token) {}

  private static Session caller(JsonNode as) throws Exception {
    if (as.isTextual()) {
      if (as.asText().equals("anonymous")) {
        return new Session(Caller.anonymous(), null, null);
      }
      return new Session(longTerm(as.asText()), null, null);
    }
    Session current = new Session(longTerm(as.get(0).asText()), null, null);
    for (int i = 1; i < as.size(); i++) {
      JsonNode step = as.get(i);
      String action = step.get("call").asText();
      byte[] xml;
      try {
        xml = sts.handle(request(action, step.path("params")), current.caller(), CallFacts.none(), "suite");
      } catch (StsException e) {
        throw new AssertionError("setup step " + action + " failed: " + e.error().code() + " " + e.getMessage(), e);
      }
      JsonNode creds = XML.readTree(xml).path(action + "Result").path("Credentials");
      String keyId = creds.path("AccessKeyId").asText();
      String token = creds.path("SessionToken").asText();
      current = new Session(resolve(keyId, token), keyId, token);
    }
    return current;
  }

  private static Caller longTerm(String name) {
    return Caller.of(identities.findUser(name).orElseThrow(() -> new AssertionError("no user " + name)), null);
  }

  private static Caller resolve(String keyId, String token) throws S3Exception {
    CredentialScope scope = new CredentialScope("20261102", "us-east-1", "s3");
    return credentials.resolve(new SigV4Authorization(AuthStyle.HEADER, new Credential(keyId, scope), List.of(), "",
        "", clock.instant(), -1, "UNSIGNED-PAYLOAD", token)).caller();
  }

  private static StsRequest request(String action, JsonNode params) {
    Map<String, String> p = new LinkedHashMap<>();
    params.properties().forEach(e -> p.put(e.getKey(), totp(e.getValue().asText())));
    String version = action.equals("SimulatePrincipalPolicy") ? "2010-05-08" : StsRequest.VERSION;
    return new StsRequest(action, version, p);
  }

  private static String totp(String value) {
    Matcher m = TOTP.matcher(value);
    if (!m.matches()) {
      return value;
    }
    String seed = identities.findUser(m.group(1)).orElseThrow().mfaSecret();
    long offset = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return new Totp(6).code(Totp.base32(seed), clock.instant().getEpochSecond() / 30 + offset);
  }

  private static void call(JsonNode row, Caller caller) throws Exception {
    JsonNode call = row.get("call");
    String action = call.get("action").asText();
    QueryApi api = call.path("api").asText("sts").equals("iam") ? iam : sts;
    String expect = row.path("expect").asText();
    byte[] xml;
    try {
      // An unsigned call reaches the query APIs without a caller at all.
      xml = api.handle(request(action, call.path("params")), caller.isAnonymous() ? null : caller, facts(row), "suite");
    } catch (StsException e) {
      assertEquals(expect, e.error().code(), e.getMessage());
      if (row.has("status")) {
        assertEquals(row.get("status").asInt(), e.error().status());
      }
      if (row.has("message")) {
        assertTrue(e.getMessage().contains(row.get("message").asText()), e.getMessage());
      }
      return;
    }
    assertEquals("ok", expect, "the call succeeded: " + new String(xml));
    JsonNode result = XML.readTree(xml).path(action + "Result");
    row.path("result").properties().forEach(e ->
        assertEquals(e.getValue().asText(), result.path(e.getKey()).asText(), e.getKey() + " in " + result));
  }

  private static CallFacts facts(JsonNode row) {
    String agent = row.has("userAgentLength") ? "x".repeat(row.get("userAgentLength").asInt()) : "suite";
    return new CallFacts(new InetSocketAddress("192.0.2.10", 40000), false, agent, null, "us-east-1");
  }

  private static RequestContext context(Caller caller, CallFacts facts, String action, String resource) {
    return contexts.forCall(caller, facts, action, resource);
  }

  private static void keys(JsonNode expected, RequestContext context) {
    expected.properties().forEach(e -> {
      if (e.getValue().isNull()) {
        assertFalse(context.has(e.getKey()), e.getKey() + " must be absent: " + context);
      } else if (e.getValue().asText().equals("*")) {
        assertTrue(context.has(e.getKey()), e.getKey() + " must be present: " + context);
      } else {
        assertEquals(List.of(e.getValue().asText()), context.values(e.getKey()), e.getKey() + " in " + context);
      }
    });
  }

  private static void s3(JsonNode row, Caller caller) throws Exception {
    JsonNode s3 = row.get("s3");
    PolicySet set = permissions.forCaller(caller);
    if (s3.has("bucketPolicy")) {
      set = set.withResource(validator.validate("b", s3.get("bucketPolicy").toString(), "bucket policy of b"));
    }
    RequestContext context = context(caller, facts(row), s3.path("action").asText("s3:GetObject"),
        s3.path("resource").asText("arn:aws:s3:::b/k"));
    Decision d = PolicyEvaluator.evaluate(set, context, true);
    assertEquals(row.get("expect").asText(), d.outcome().name(), d.trace());
    if (row.has("message")) {
      assertEquals(row.get("message").asText(), d.accessDeniedMessage());
    }
    if (row.has("encoded")) {
      Map<String, String> elements = messages.errorElements(d, context);
      if (!row.get("encoded").asBoolean()) {
        assertTrue(elements.isEmpty(), "no EncodedAuthorizationMessage expected: " + elements.keySet());
        return;
      }
      String encoded = elements.get("EncodedAuthorizationMessage");
      assertNotNull(encoded);
      assertTrue(encoded.length() <= AuthorizationMessages.MAX_ENCODED_CHARS, "encoded length " + encoded.length());
      JsonNode decoded = JSON.readTree(messages.decode(encoded));
      assertEquals(context.action(), decoded.path("context").path("action").asText());
    }
  }

  private static void expired(JsonNode row, Session session) {
    assertNotNull(session.token(), "an expired row needs session credentials");
    clock.advance(Duration.ofSeconds(row.get("expired").asLong()));
    try {
      resolve(session.accessKeyId(), session.token());
      fail("expired credentials were accepted");
    } catch (S3Exception e) {
      StsException answer = StsErrorMapper.fromS3(e);
      assertEquals(row.get("expect").asText(), answer.error().code());
      assertEquals(row.get("status").asInt(), answer.error().status());
      assertEquals(row.get("message").asText(), answer.getMessage());
    }
  }

  /** A clock the suite moves forward (the proxy's MutableClock lives in another package). */
  static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
