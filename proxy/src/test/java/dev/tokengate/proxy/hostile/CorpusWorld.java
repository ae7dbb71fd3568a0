package dev.tokengate.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokengate.proxy.backend.BackendRequestFactory;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.ReceivedRequest;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import dev.tokengate.sigv4.UriEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The world every hostile case runs in: one proxy (per test class) with SigV2 accepted and virtual
 * hosts under {@code s3.test}, in front of a backend spy on the shared S3Proxy; four buckets with
 * known objects; the principals; and the check that runs after every case: the answer, what the
 * spy saw, and the backend's whole state (bytes, metadata, ACLs, uploads) plus every bucket policy,
 * compared with the state before. A case that changed anything unexpected fails, and the world is
 * put back so the next case starts from the same state.
 */
final class CorpusWorld {
  static final String VHOST_DOMAIN = "s3.test";
  static final String ACCOUNT = "123456789012";
  static final Credentials ONE_BUCKET = Credentials.of("AKIAONEBUCKET0000001", "onebucket-secret-onebucket-secret-00001");
  static final Credentials PREFIX = Credentials.of("AKIAPREFIXUSER000001", "prefixuser-secret-prefixuser-secret-001");
  static final Credentials ASSUMER = Credentials.of("AKIAASSUMER000000001", "assumer-secret-assumer-secret-assumer01");
  static final String READ_ONLY_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/corpus-read-only";

  /** Bytes no hostile case may ever see in a response body. */
  static final String SECRET_MARKER = "SECRET-BYTES";
  static final String OTHER_MARKER = "OTHER-BUCKET-BYTES";

  static final String MINE = "hmine";
  static final String OTHER = "hother";
  static final String PUBLIC = "hpublic";
  static final String EMPTY = "hempty";

  /** Bucket → key → bytes, as set up before the first case and restored after any case that changed it. */
  static final Map<String, Map<String, String>> FIXTURE = new LinkedHashMap<>();

  static {
    Map<String, String> mine = new LinkedHashMap<>();
    mine.put("public/a.txt", "public a");
    mine.put("public/b.txt", "public b");
    mine.put("secret/k", SECRET_MARKER + " of secret/k");
    mine.put("secret/k2", SECRET_MARKER + " of secret/k2");
    mine.put("top secret", SECRET_MARKER + " of 'top secret'");
    mine.put("top+secret", "a plus is not a space");
    mine.put("plain.txt", "plain");
    FIXTURE.put(MINE, mine);
    Map<String, String> other = new LinkedHashMap<>();
    other.put("other/k", OTHER_MARKER + " of other/k");
    other.put("public/a.txt", OTHER_MARKER + " of hother/public/a.txt");
    FIXTURE.put(OTHER, other);
    Map<String, String> pub = new LinkedHashMap<>();
    pub.put("p/k", "public-read k");
    pub.put("p/j", "public-read j");
    FIXTURE.put(PUBLIC, pub);
    FIXTURE.put(EMPTY, new LinkedHashMap<>());
  }

  /** hpublic is public-read through a bucket policy (anonymous GetObject and ListBucket). */
  static final String PUBLIC_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\","
      + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],"
      + "\"Resource\":[\"arn:aws:s3:::hpublic\",\"arn:aws:s3:::hpublic/*\"]}]}";

  /**
   * The one-bucket user may do anything in hmine and hempty except: read, write or delete under
   * {@code secret/} or the key {@code top secret}; delete either bucket or change its policy; make
   * an object public with a canned ACL. The prefix user may list hmine only under {@code public/},
   * read and write there, and abort uploads. The read-only role has AmazonS3ReadOnlyAccess.
   */
  static final String CONFIG = """
      accountId: "%s"
      users:
        - name: onebucket
          accessKeys: [{id: %s, secret: %s}]
          policies:
            one-bucket:
              Version: "2012-10-17"
              Statement:
                - {Sid: Mine, Effect: Allow, Action: "s3:*",
                   Resource: ["arn:aws:s3:::hmine", "arn:aws:s3:::hmine/*", "arn:aws:s3:::hempty", "arn:aws:s3:::hempty/*"]}
                - {Sid: ListAll, Effect: Allow, Action: "s3:ListAllMyBuckets", Resource: "*"}
                - {Sid: NoSecretData, Effect: Deny,
                   Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                   Resource: ["arn:aws:s3:::hmine/secret/*", "arn:aws:s3:::hmine/top secret"]}
                - {Sid: KeepBuckets, Effect: Deny, Action: ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
                   Resource: ["arn:aws:s3:::hmine", "arn:aws:s3:::hempty"]}
                - {Sid: NoPublicAcl, Effect: Deny, Action: ["s3:PutObject", "s3:PutObjectAcl"], Resource: "arn:aws:s3:::hmine/*",
                   Condition: {StringEquals: {"s3:x-amz-acl": ["public-read", "public-read-write", "authenticated-read"]}}}
        - name: prefixuser
          accessKeys: [{id: %s, secret: %s}]
          policies:
            public-prefix:
              Version: "2012-10-17"
              Statement:
                - {Sid: ListPublic, Effect: Allow, Action: "s3:ListBucket", Resource: "arn:aws:s3:::hmine",
                   Condition: {StringLike: {"s3:prefix": ["public/*"]}}}
                - {Sid: RwPublic, Effect: Allow, Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::hmine/public/*"}
                - {Sid: Abort, Effect: Allow, Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                   Resource: "arn:aws:s3:::hmine/*"}
        - name: assumer
          accessKeys: [{id: %s, secret: %s}]
          policies:
            assume:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "sts:AssumeRole", Resource: "%s"}
      roles:
        - name: corpus-read-only
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::%s:user/assumer"}, Action: "sts:AssumeRole"}
      """.formatted(ACCOUNT, ONE_BUCKET.accessKeyId(), ONE_BUCKET.secretAccessKey(), PREFIX.accessKeyId(),
      PREFIX.secretAccessKey(), ASSUMER.accessKeyId(), ASSUMER.secretAccessKey(), READ_ONLY_ROLE, ACCOUNT);

  // Generous: a loaded CI machine is slow, and only a proxy that hangs ever waits this long.
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final TokengateExtension proxy;
  private final WorldState state;
  private Credentials readOnlyRole;
  private String testClass;

  /** The extension every corpus class registers (static: one proxy per class). */
  static TokengateExtension extension() {
    return TokengateExtension.withConfig(CONFIG).acceptSigV2().virtualHostDomains(VHOST_DOMAIN).spyOnBackend();
  }

  private CorpusWorld(TokengateExtension proxy) {
    this.proxy = proxy;
    this.state = new WorldState(proxy);
  }

  /** Creates the fixture on the backend, the public policy and the role session; takes the baseline. */
  static CorpusWorld setUp(TokengateExtension proxy, Class<?> testClass) throws Exception {
    CorpusWorld w = new CorpusWorld(proxy);
    w.testClass = testClass.getSimpleName();
    w.state.createFixture();
    StsClient.Response assumed = proxy.sts().call(ASSUMER, "AssumeRole",
        Map.of("RoleArn", READ_ONLY_ROLE, "RoleSessionName", "corpus"));
    assertEquals(200, assumed.status(), assumed.body());
    w.readOnlyRole = assumed.credentials("AssumeRole");
    return w;
  }

  int port() {
    return proxy.port();
  }

  String hostPort() {
    return proxy.hostPort();
  }

  TokengateExtension proxy() {
    return proxy;
  }

  Credentials credentials(HostileCase.Who who) {
    return switch (who) {
      case ADMIN -> proxy.admin();
      case ANONYMOUS -> null;
      case READ_ONLY_ROLE -> readOnlyRole;
      case ONE_BUCKET_USER -> ONE_BUCKET;
      case PREFIX_USER -> PREFIX;
    };
  }

  /** A request to the proxy with {@code Host: 127.0.0.1:port} and nothing else yet. */
  WireRequest request(String method, String target) {
    return new WireRequest(method, target).header("Host", hostPort());
  }

  WireResponse send(WireRequest r) throws Exception {
    return WireResponse.exchange("127.0.0.1", port(), r, TIMEOUT);
  }

  List<WireResponse> sendPipelined(byte[] bytes, int count, String method) throws Exception {
    return WireResponse.exchange("127.0.0.1", port(), bytes, count, method, TIMEOUT);
  }

  /** Forgets what the spy saw: scenarios call it right before their hostile step. */
  void clearSpy() {
    proxy.spy().clear();
  }

  /**
   * Runs one case and fails with everything that went wrong: the answer, a backend contact the
   * proxy should have refused first, and any change to the world. When the spy saw no request the
   * backend cannot have acted (the spy is the only way to it); the listing (ETag, size, date of
   * every object) and the bytes of the objects the case aims at are read back all the same. When
   * the backend was asked, its whole state is compared (bytes, metadata, ACLs, uploads).
   */
  void run(HostileCase c) throws Exception {
    clearSpy();
    WireRequest request = null;
    WireResponse response;
    List<String> problems = new ArrayList<>();
    try {
      if (c.scenario != null) {
        response = c.scenario.run(this);
      } else {
        request = c.request(this);
        response = send(request);
      }
    } catch (AssertionError stepFailed) {
      // A scenario's preparatory step went wrong: still check and restore the world below.
      problems.add(stepFailed.getMessage());
      response = new WireResponse(WireResponse.CLOSED, List.of(), new byte[0]);
    }
    // The proxy's own reads (an anonymous request's ACL, say) carry its marker; forwarded requests never do.
    List<ReceivedRequest> seen = proxy.spy().requests().stream()
        .filter(r -> !BackendRequestFactory.OWN_USER_AGENT.equals(r.header("user-agent"))).toList();
    Expect e = c.expect;
    if (problems.isEmpty() && !e.accepts(response)) {
      problems.add("expected " + e + ", got " + response.describe());
    }
    for (Expect.Check check : e.checks) {
      if (!check.test().test(response)) {
        problems.add(check.description() + ": " + response.describe());
      }
    }
    for (String marker : List.of(SECRET_MARKER, OTHER_MARKER)) {
      if (response.text().contains(marker)) {
        problems.add("the response disclosed a protected object's bytes (" + marker + ")");
      }
    }
    if (!e.backendMayBeCalled(response) && !seen.isEmpty()) {
      problems.add("the backend was asked although the proxy must refuse first: "
          + seen.stream().map(r -> WireRequest.visible(r.requestLine())).toList());
    }
    for (String watched : watched(c)) {
      int slash = watched.indexOf('/');
      String bucket = watched.substring(0, slash);
      String key = watched.substring(slash + 1);
      if (e.changes.stream().noneMatch(ch -> ch.bucket().equals(bucket) && ch.key().equals(key))) {
        Optional<byte[]> now = state.read(bucket, key);
        String want = FIXTURE.get(bucket).get(key);
        if (now.isEmpty() || !want.equals(new String(now.get(), StandardCharsets.UTF_8))) {
          problems.add(watched + " should still hold '" + want + "' but holds "
              + now.map(b -> "'" + new String(b, StandardCharsets.UTF_8) + "'").orElse("nothing"));
        }
      }
    }
    boolean full = !seen.isEmpty() || c.scenario != null;
    WorldState.Snapshot after = state.snapshot(full);
    if (!seen.isEmpty() && e.changes.isEmpty()) {
      after = state.settle(after, full);
    }
    problems.addAll(state.changes(e, after));
    if (after.differsFrom(state.baseline()) || !e.changes.isEmpty() || !problems.isEmpty()) {
      state.restore();
    }
    report(c, response, problems);
    if (!problems.isEmpty()) {
      fail(c.name + "\n" + (request == null ? "(scenario)" : request.toString()) + "\n- "
          + String.join("\n- ", problems) + (e.why == null ? "" : "\n(alternatives accepted because: " + e.why + ")"));
    }
  }

  private static boolean reportStarted;

  /**
   * One line per case in {@code target/hostile-corpus.txt}: PASS or FAIL, the class, the case, what
   * came back and, for a failure, what was wrong. The lead's list of what remains to fix.
   */
  private void report(HostileCase c, WireResponse response, List<String> problems) {
    String got = response.status() + (response.code() == null ? "" : " " + response.code());
    String line = (problems.isEmpty() ? "PASS" : "FAIL") + " | " + testClass + " | " + c.name + " | expected "
        + c.expect + " | got " + got + (problems.isEmpty() ? "" : " | " + String.join(" / ", problems).replace('\n', ' '))
        + System.lineSeparator();
    try {
      Path file = Path.of("target", "hostile-corpus.txt");
      synchronized (CorpusWorld.class) {
        if (!reportStarted) {
          Files.deleteIfExists(file); // one report per test JVM
          reportStarted = true;
        }
      }
      Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The report is a convenience; the assertion below is what counts.
    }
  }

  /** The fixture objects a case aims at: the one its path names, and any it lists in {@link HostileCase#watch}. */
  private List<String> watched(HostileCase c) {
    List<String> keys = new ArrayList<>(c.watch);
    if (c.target != null && c.host == null) {
      String path = c.target.indexOf('?') < 0 ? c.target : c.target.substring(0, c.target.indexOf('?'));
      // Lenient (malformed escapes kept), as the project's own canonical-path decoder.
      String decoded = new String(UriEncoding.decode(path, false), StandardCharsets.UTF_8).substring(1);
      int slash = decoded.indexOf('/');
      if (slash > 0 && FIXTURE.containsKey(decoded.substring(0, slash))
          && FIXTURE.get(decoded.substring(0, slash)).containsKey(decoded.substring(slash + 1))) {
        keys.add(decoded);
      }
    }
    return keys;
  }

}
