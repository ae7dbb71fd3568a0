package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Expect.ok;
import static dev.tokengate.proxy.hostile.Expect.refused;
import static dev.tokengate.proxy.hostile.Expect.status;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ANONYMOUS;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ONE_BUCKET_USER;
import static dev.tokengate.proxy.hostile.HostileCase.of;

import dev.tokengate.proxy.harness.TokengateExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bucket and key as S3 reads them: the path decoded exactly once, malformed escapes, invalid
 * or overlong UTF-8 and NUL refused (400 InvalidURI), dot segments refused (S3 keeps them, backends
 * resolve them), invalid bucket names refused (400 InvalidBucketName), whether the bucket comes from
 * the path or from a virtual-host label. The one-bucket user may read hmine except {@code secret/*};
 * every trick aims at {@code secret/k} or at the other bucket.
 */
@Timeout(120)
class PathHostCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, PathHostCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostilePathOrHost(HostileCase c) throws Exception {
    world.run(c);
  }

  static final String URI = "InvalidURI";
  static final String BUCKET = "InvalidBucketName";
  static final String AD = "AccessDenied";
  static final String VHOST = "." + CorpusWorld.VHOST_DOMAIN + ":{port}";

  static Stream<HostileCase> cases() {
    List<HostileCase> cases = new ArrayList<>();
    // Dot segments, raw or encoded, on every method.
    for (String path : List.of("/hmine/public%2F..%2Fsecret/k", "/hmine/public/../secret/k", "/hmine/public/%2E%2E/secret/k",
        "/hmine/public/%2e%2e/secret/k", "/hmine/public/.%2E/secret/k", "/hmine/./secret/k", "/hmine/secret/./k",
        "/hmine/public/..", "/hmine/..", "/hmine/.", "/hmine/public//../secret/k", "/hmine/public;/../secret/k",
        "/hmine/public/a.txt#/../../secret/k")) {
      cases.add(of("GET " + path + " (dot segment)", ONE_BUCKET_USER, "GET", path).expect(refused(400, URI)));
    }
    cases.add(of("DELETE /hmine/public/../secret/k", ONE_BUCKET_USER, "DELETE", "/hmine/public/../secret/k")
        .watch("hmine/secret/k").expect(refused(400, URI)));
    cases.add(of("PUT /hmine/public/../secret/k", ONE_BUCKET_USER, "PUT", "/hmine/public/../secret/k").body("overwritten")
        .watch("hmine/secret/k").expect(refused(400, URI)));
    cases.add(of("DELETE /hmine/public/%2E%2E/plain.txt", ONE_BUCKET_USER, "DELETE", "/hmine/public/%2E%2E/plain.txt")
        .watch("hmine/plain.txt").expect(refused(400, URI)));
    cases.add(of("anonymous PUT /hpublic/p/../k2", ANONYMOUS, "PUT", "/hpublic/p/../k2").body("x").expect(refused(400, URI)));

    // Encoded once means decoded once: %252F is a literal "%2F" in the key, which does not exist.
    cases.add(of("GET public/%252F..%252Fsecret/k is a literal key (absent)", ONE_BUCKET_USER, "GET",
        "/hmine/public/%252F..%252Fsecret/k").expect(refused(404, "NoSuchKey").reachesBackend()));
    cases.add(of("GET public%252F..%252Fsecret%252Fk is a literal key (absent)", ONE_BUCKET_USER, "GET",
        "/hmine/public%252F..%252Fsecret%252Fk").expect(refused(404, "NoSuchKey").reachesBackend()));
    cases.add(of("GET secret%2Fk decodes to secret/k (denied)", ONE_BUCKET_USER, "GET", "/hmine/secret%2Fk")
        .expect(refused(403, AD)));
    cases.add(of("GET secret//k is under secret/ (denied)", ONE_BUCKET_USER, "GET", "/hmine/secret//k").expect(refused(403, AD)));
    // Key "/secret/k": S3 keeps the empty segment and has no such key. S3Proxy refuses '//' itself
    // (400 InvalidRequest, relayed); a model that refuses empty segments up front answers InvalidURI.
    cases.add(of("GET //secret/k is the key '/secret/k'", ONE_BUCKET_USER, "GET", "/hmine//secret/k")
        .expect(refused(404, "NoSuchKey").reachesBackend()
            .or(400, URI, "a model may refuse empty segments as it refuses dot segments (backends merge them)")
            .or(400, "InvalidRequest", "S3Proxy refuses a '//' key itself; the proxy relays its refusal")));
    // Servlet containers (S3Proxy runs on Jetty) strip ";params" from raw path segments.
    cases.add(of("GET secret;x/k is the key 'secret;x/k' (absent), never secret/k", ONE_BUCKET_USER, "GET", "/hmine/secret;x/k")
        .expect(refused(404, "NoSuchKey").reachesBackend()));
    cases.add(of("GET secret/k;x is under secret/ (denied)", ONE_BUCKET_USER, "GET", "/hmine/secret/k;x").expect(refused(403, AD)));
    cases.add(of("GET public%5C..%5Csecret%5Ck: backslashes are key bytes (absent)", ONE_BUCKET_USER, "GET",
        "/hmine/public%5C..%5Csecret%5Ck").expect(refused(404, "NoSuchKey").reachesBackend()));
    cases.add(of("GET public/%C3%A9 is a valid UTF-8 key (absent)", ONE_BUCKET_USER, "GET", "/hmine/public/%C3%A9")
        .expect(refused(404, "NoSuchKey").reachesBackend()));

    // Invalid and overlong UTF-8, NUL, malformed escapes.
    for (String path : List.of("/hmine/public%C0%AF..%C0%AFsecret/k", "/hmine/public/%C0%AE%C0%AE/secret/k",
        "/hmine/public/%E0%80%AF", "/hmine/public/%ED%A0%80", "/hmine/public/%FF", "/hmine/public/%C3",
        "/hmine/public/%F8%88%80%80%80", "/hmine/secret/k%00", "/hmine/public/a.txt%00/../../secret/k", "/hmine/%zz",
        "/hmine/public/a%4", "/hmine/public/a%", "/hmine/%G0", "/hmine/secret%2", "/hmine%00/k")) {
      cases.add(of("GET " + path, ONE_BUCKET_USER, "GET", path).expect(refused(400, URI)));
    }
    cases.add(of("PUT public/x%00y", ONE_BUCKET_USER, "PUT", "/hmine/public/x%00y").body("x").expect(refused(400, URI)));
    cases.add(of("DELETE secret/k%00", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k%00").watch("hmine/secret/k")
        .expect(refused(400, URI)));
    cases.add(of("anonymous GET hpublic/p/%C0%AFk", ANONYMOUS, "GET", "/hpublic/p/%C0%AFk").expect(refused(400, URI)));

    // The bucket segment. AWS does not document whether an encoded '/' ends the bucket; either
    // reading refuses: the decoded split names hmine/secret/k (denied), the raw one an invalid name.
    Expect slashInBucket = refused(403, AD).or(400, BUCKET, "the raw first segment 'hmine%2Fsecret' is not a bucket name");
    cases.add(of("GET hmine%2Fsecret/k", ONE_BUCKET_USER, "GET", "/hmine%2Fsecret/k").expect(slashInBucket));
    cases.add(of("GET hother%2Fother/k", ONE_BUCKET_USER, "GET", "/hother%2Fother/k").expect(slashInBucket));
    for (String path : List.of("/hmine!/k", "/h/k", "/hm%00ine/k", "/hm%20ine/k")) {
      cases.add(of("GET " + path + " (not a bucket name, even a legacy one)", ONE_BUCKET_USER, "GET", path)
          .expect(refused(400, BUCKET).or(400, URI, "a NUL in the path is refused as an invalid URI first")));
    }
    // Legacy us-east-1 buckets may have upper case, underscores, '..' or an IP-like name, and a
    // path can still address them; no new bucket or virtual host may. The user has no right on
    // any of these, so either answer refuses.
    for (String path : List.of("/HMINE/public/a.txt", "/hm_ine/k", "/-hmine/k", "/hmine-/k", "/192.168.1.1/k", "/hm..ine/k")) {
      cases.add(of("GET " + path + " (legacy-only bucket name)", ONE_BUCKET_USER, "GET", path)
          .expect(refused(400, BUCKET).or(403, AD, "a legacy us-east-1 name still addresses a bucket in a path")));
    }
    cases.add(of("PUT /Bad..Bucket (CreateBucket, invalid name)", ONE_BUCKET_USER, "PUT", "/Bad..Bucket")
        .expect(refused(400, BUCKET)));
    // Request-target forms the model cannot read as S3 paths.
    cases.add(of("target without a leading slash", ONE_BUCKET_USER, "GET", "hmine/secret/k")
        .expect(refused(400, URI).or(400, null, "the HTTP codec refuses the request line")));
    cases.add(of("raw space inside the target", ONE_BUCKET_USER, "GET", "/hmine/secret/k /hmine/public/a.txt")
        .expect(status(400)));
    cases.add(built("absolute-form target naming the other bucket's virtual host", w -> {
      WireRequest r = w.request("GET", "http://hother." + CorpusWorld.VHOST_DOMAIN + ":" + w.port() + "/other/k");
      return HostileSigner.v4(r, w.credentials(ONE_BUCKET_USER));
    }).expect(refused(400, URI).or(403, AD, "an absolute-form target names the other bucket, which is denied")
        .or(403, "SignatureDoesNotMatch", "the signed path was the raw target")));

    // Virtual-host labels are bucket names too.
    // RFC 3986 §3.2.2: a host is case-insensitive, so a proxy may lower-case the Host before reading
    // the label: HMINE is then hmine (allowed) and HOTHER hother (denied), on both sides alike.
    cases.add(of("Host label 'HMINE'", ONE_BUCKET_USER, "GET", "/public/a.txt").host("HMINE" + VHOST)
        .expect(refused(400, BUCKET).or(200, null, "the Host lower-cased first names hmine (RFC 3986 §3.2.2)")));
    cases.add(of("Host label 'HOTHER'", ONE_BUCKET_USER, "GET", "/public/a.txt").host("HOTHER" + VHOST)
        .expect(refused(400, BUCKET).or(403, AD, "the Host lower-cased first names hother, which is denied")));
    for (String label : List.of("hm_ine", "hmine!", "hm%69ne", "hmine@hother", "hmine .x", "-hmine")) {
      cases.add(of("Host label '" + label + "'", ONE_BUCKET_USER, "GET", "/public/a.txt").host(label + VHOST)
          .expect(refused(400, BUCKET).or(400, "InvalidArgument", "a Host that is not a host name at all")
              .or(400, "BadRequest", "the framing layer refuses a Host header that is not valid HTTP")));
    }
    cases.add(of("Host hother.s3.test GET /other/k (denied)", ONE_BUCKET_USER, "GET", "/other/k").host("hother" + VHOST)
        .expect(refused(403, AD)));
    cases.add(of("Host hother.s3.test GET /public/a.txt (denied)", ONE_BUCKET_USER, "GET", "/public/a.txt").host("hother" + VHOST)
        .expect(refused(403, AD)));
    cases.add(of("Host hmine.s3.test GET /hother/other/k is a key in hmine (absent)", ONE_BUCKET_USER, "GET", "/hother/other/k")
        .host("hmine" + VHOST).expect(refused(404, "NoSuchKey").reachesBackend()));
    cases.add(of("Host hmine.s3.test GET /secret/k (denied)", ONE_BUCKET_USER, "GET", "/secret/k").host("hmine" + VHOST)
        .expect(refused(403, AD)));
    cases.add(of("Host hmine.hother.s3.test is bucket 'hmine.hother' (not the user's)", ONE_BUCKET_USER, "GET", "/public/a.txt")
        .host("hmine.hother" + VHOST).expect(refused(403, AD)));
    cases.add(of("Host hmine.s3.test GET /public/a.txt (allowed)", ONE_BUCKET_USER, "GET", "/public/a.txt").host("hmine" + VHOST)
        .expect(ok(200).has("public a")));
    cases.add(of("two Host lines: mine then other", ONE_BUCKET_USER, "GET", "/public/a.txt").host("hmine" + VHOST)
        .header("Host", "hother.s3.test:{port}").expect(refused(400, "InvalidArgument").or(400, null,
            "RFC 9112 §3.2: a server must answer 400 to more than one Host line")));
    cases.add(built("two Host lines: other then mine", w -> {
      WireRequest r = new WireRequest("GET", "/public/a.txt").header("Host", "hother.s3.test:" + w.port())
          .header("Host", "hmine.s3.test:" + w.port());
      return HostileSigner.v4(r, w.credentials(ONE_BUCKET_USER));
    }).expect(refused(400, "InvalidArgument").or(400, null, "RFC 9112 §3.2: more than one Host line is a 400")));
    cases.add(built("no Host line at all", w -> HostileSigner.v4(new WireRequest("GET", "/hmine/public/a.txt"),
        w.credentials(ONE_BUCKET_USER))).expect(status(400)));
    cases.add(of("anonymous Host hpublic.s3.test PUT /p/k (denied)", ANONYMOUS, "PUT", "/p/k").host("hpublic" + VHOST).body("x")
        .watch("hpublic/p/k").expect(refused(403, AD)));
    cases.add(of("anonymous Host HPUBLIC.s3.test", ANONYMOUS, "GET", "/p/k").host("HPUBLIC" + VHOST)
        .expect(refused(400, BUCKET).or(200, null, "the Host lower-cased first names hpublic (RFC 3986 §3.2.2)")));
    cases.add(of("anonymous Host hpublic.s3.test GET /p/k (allowed)", ANONYMOUS, "GET", "/p/k").host("hpublic" + VHOST)
        .expect(ok(200).has("public-read k")));
    return cases.stream();
  }

  private static HostileCase built(String name, HostileCase.Builder b) {
    return HostileCase.built(name, b);
  }
}
