package dev.tokengate.proxy.hostile;

import dev.tokengate.proxy.harness.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One row of the corpus: who sends which exact request, signed how, and what must come back. The
 * request is built when the case runs (it needs the proxy's port and the session keys). A
 * {@link #tamper} runs after signing: what a replaying or tampering attacker changes on the wire.
 */
final class HostileCase {
  /** Who signs: the bootstrap admin, nobody, a read-only role session, a one-bucket user, a prefix user. */
  enum Who { ADMIN, ANONYMOUS, READ_ONLY_ROLE, ONE_BUCKET_USER, PREFIX_USER }

  /** How the request is signed. */
  enum Auth { V4_HEADER, V4_PRESIGNED, V2_HEADER, V2_QUERY, NONE }

  /** A case whose request is more than one signed request (captures, replays, sequences). */
  @FunctionalInterface
  interface Scenario {
    WireResponse run(CorpusWorld world) throws Exception;
  }

  /** Builds the exact request from the world, for cases the fluent form cannot say. */
  @FunctionalInterface
  interface Builder {
    WireRequest build(CorpusWorld world) throws Exception;
  }

  final String name;
  Who who;
  String method;
  String target;
  Auth auth = Auth.V4_HEADER;
  String host; // null: the proxy's 127.0.0.1:port; "{port}" is replaced
  final List<WireRequest.Header> headers = new ArrayList<>();
  final Set<String> unsigned = new HashSet<>();
  byte[] body = new byte[0];
  boolean contentMd5;
  String v2Resource; // SigV2 canonical resource path; null = the raw path
  UnaryOperator<WireRequest> tamper = UnaryOperator.identity();
  final List<String> watch = new ArrayList<>(); // "bucket/key" of fixture objects whose bytes are read back
  Scenario scenario;
  Builder builder;
  Expect expect;

  private HostileCase(String name) {
    this.name = name;
  }

  static HostileCase of(String name, Who who, String method, String target) {
    HostileCase c = new HostileCase(name);
    c.who = who;
    c.method = method;
    c.target = target;
    if (who == Who.ANONYMOUS) {
      c.auth = Auth.NONE;
    }
    return c;
  }

  static HostileCase scenario(String name, Scenario scenario) {
    HostileCase c = new HostileCase(name);
    c.scenario = scenario;
    return c;
  }

  static HostileCase built(String name, Builder builder) {
    HostileCase c = new HostileCase(name);
    c.builder = builder;
    return c;
  }

  HostileCase header(String name, String value) {
    headers.add(new WireRequest.Header(name, value));
    return this;
  }

  /**
   * A header line as given. In the value, {@code {now}} is the request's x-amz-date, {@code {token}}
   * the signer's session token, {@code {roletoken}} the read-only role session's token, {@code {port}}
   * the proxy's port and {@code {md5}} the body's Content-MD5, so that a case can repeat
   * a header and still sign every line it sends.
   */
  HostileCase unsignedHeader(String name, String value) {
    unsigned.add(name.toLowerCase(java.util.Locale.ROOT));
    return header(name, value);
  }

  HostileCase body(String utf8) {
    this.body = utf8.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  HostileCase body(byte[] bytes) {
    this.body = bytes;
    return this;
  }

  /** A DeleteObjects-style body with its Content-MD5 (AWS requires one on DeleteObjects). */
  HostileCase xml(String body) {
    this.contentMd5 = true;
    return body(body);
  }

  HostileCase host(String host) {
    this.host = host;
    return this;
  }

  HostileCase auth(Auth auth) {
    this.auth = auth;
    return this;
  }

  HostileCase v2Resource(String path) {
    this.v2Resource = path;
    return this;
  }

  HostileCase tamper(UnaryOperator<WireRequest> tamper) {
    this.tamper = tamper;
    return this;
  }

  /** Also reads back this fixture object's bytes after the case ({@code bucket/key}). */
  HostileCase watch(String bucketAndKey) {
    watch.add(bucketAndKey);
    return this;
  }

  HostileCase expect(Expect expect) {
    this.expect = expect;
    return this;
  }

  /** The request exactly as it goes on the wire. */
  WireRequest request(CorpusWorld w) throws Exception {
    if (builder != null) {
      return builder.build(w);
    }
    WireRequest r = new WireRequest(method, target);
    r.header("Host", host == null ? w.hostPort() : host.replace("{port}", Integer.toString(w.port())));
    String now = dev.tokengate.proxy.harness.RawS3Client.amzDate(java.time.Instant.now());
    Credentials c = w.credentials(who);
    for (WireRequest.Header h : headers) {
      // Placeholders let a case repeat a header the signer would otherwise add once.
      r.header(h.name(), h.value().replace("{now}", now).replace("{port}", Integer.toString(w.port()))
          .replace("{token}", c == null || c.sessionToken() == null ? "" : c.sessionToken())
          .replace("{md5}", HostileSigner.md5Base64(body))
          .replace("{roletoken}", w.credentials(Who.READ_ONLY_ROLE).sessionToken()));
    }
    r.body = body;
    if (contentMd5) {
      r.header("Content-MD5", HostileSigner.md5Base64(body));
    }
    switch (auth) {
      case V4_HEADER -> HostileSigner.v4(r, c, "s3", unsigned);
      case V4_PRESIGNED -> HostileSigner.presignV4(r, c, 600);
      case V2_HEADER -> HostileSigner.v2(r, c, v2Resource);
      case V2_QUERY -> HostileSigner.v2Query(r, c, v2Resource, 600);
      case NONE -> { }
    }
    return tamper.apply(r);
  }

  @Override
  public String toString() {
    return name;
  }
}
