package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Expect.ok;
import static dev.tokengate.proxy.hostile.Expect.refused;
import static dev.tokengate.proxy.hostile.HostileCase.Auth.V2_HEADER;
import static dev.tokengate.proxy.hostile.HostileCase.Auth.V2_QUERY;
import static dev.tokengate.proxy.hostile.HostileCase.Auth.V4_PRESIGNED;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ADMIN;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ONE_BUCKET_USER;
import static dev.tokengate.proxy.hostile.HostileCase.Who.READ_ONLY_ROLE;
import static dev.tokengate.proxy.hostile.HostileCase.built;
import static dev.tokengate.proxy.hostile.HostileCase.of;

import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests whose signature is valid for one reading and replayed or tampered into another: SigV2
 * with virtual hosts (the canonical resource must name the bucket), SigV2 header and query auth
 * carrying what SigV2 does not sign, presigned SigV4 URLs with parameters added or changed, and
 * aws-chunked bodies whose framing, length or chunk signatures lie.
 */
@Timeout(120)
class SignatureCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, SignatureCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileSignature(HostileCase c) throws Exception {
    world.run(c);
  }

  static final String IA = "InvalidArgument";
  static final String AD = "AccessDenied";
  static final String SDNM = "SignatureDoesNotMatch";
  static final String MINE_HOST = "hmine." + CorpusWorld.VHOST_DOMAIN + ":{port}";

  static WireRequest toOtherBucketHost(WireRequest r) {
    return r.set("Host", r.value("host").replace("hmine.", "hother."));
  }

  /** Inserts {@code extra} into a presigned query just before its signature. */
  static WireRequest beforeSignature(WireRequest r, String extra) {
    r.target = r.target.replace("&X-Amz-Signature=", "&" + extra + "&X-Amz-Signature=");
    return r;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<HostileCase> cases() {
    List<HostileCase> cases = new ArrayList<>();
    // SigV2 and virtual hosts: the canonical resource is /bucket/key, so a replay to another
    // bucket's Host no longer matches. A signer that left the bucket out signed too little: the
    // proxy must not accept that signature for either bucket.
    cases.add(of("SigV2 vhost, signed without the bucket, replayed to the other bucket's Host", ADMIN, "GET", "/public/a.txt")
        .auth(V2_HEADER).host(MINE_HOST).v2Resource("/public/a.txt").tamper(SignatureCorpusTest::toOtherBucketHost)
        .expect(refused(403, SDNM)));
    cases.add(of("SigV2 vhost, signed without the bucket, sent as signed", ADMIN, "GET", "/public/a.txt")
        .auth(V2_HEADER).host(MINE_HOST).v2Resource("/public/a.txt").expect(refused(403, SDNM)));
    cases.add(of("SigV2 vhost, signed /hmine/public/a.txt, replayed to the other bucket's Host", ADMIN, "GET", "/public/a.txt")
        .auth(V2_HEADER).host(MINE_HOST).v2Resource("/hmine/public/a.txt").tamper(SignatureCorpusTest::toOtherBucketHost)
        .expect(refused(403, SDNM)));
    cases.add(of("SigV2 vhost, signed /hmine/public/a.txt, sent as signed", ADMIN, "GET", "/public/a.txt")
        .auth(V2_HEADER).host(MINE_HOST).v2Resource("/hmine/public/a.txt").expect(ok(200).has("public a")));
    cases.add(of("SigV2 path style replayed as virtual host of the same bucket (same resource)", ADMIN, "GET", "/hmine/public/a.txt")
        .auth(V2_HEADER).tamper(r -> {
          r.target = "/public/a.txt";
          return r.set("Host", "hmine." + CorpusWorld.VHOST_DOMAIN + ":" + r.value("host").split(":")[1]);
        }).expect(ok(200).has("public a")));
    cases.add(of("SigV2 path style replayed on the other bucket's path", ADMIN, "GET", "/hmine/public/a.txt")
        .auth(V2_HEADER).tamper(r -> {
          r.target = "/hother/public/a.txt";
          return r;
        }).expect(refused(403, SDNM)));
    cases.add(of("SigV2 query vhost replayed to the other bucket's Host", ADMIN, "GET", "/public/a.txt")
        .auth(V2_QUERY).host(MINE_HOST).v2Resource("/hmine/public/a.txt").tamper(SignatureCorpusTest::toOtherBucketHost)
        .expect(refused(403, SDNM)));
    cases.add(of("SigV2 query vhost, signed without the bucket, replayed to the other bucket", ADMIN, "GET", "/public/a.txt")
        .auth(V2_QUERY).host(MINE_HOST).v2Resource("/public/a.txt").tamper(SignatureCorpusTest::toOtherBucketHost)
        .expect(refused(403, SDNM)));
    // What SigV2 does not sign (parameters outside its sub-resource list) still reaches the model.
    cases.add(of("SigV2 query GET public/a.txt with x;tagging appended (unsigned by V2)", ONE_BUCKET_USER, "GET",
        "/hmine/public/a.txt").auth(V2_QUERY).tamper(r -> {
          r.target += "&x;tagging";
          return r;
        }).expect(refused(400, IA)));
    cases.add(of("SigV2 DELETE secret/k?x;tagging", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?x;tagging").auth(V2_HEADER)
        .expect(refused(400, IA)));
    cases.add(of("SigV2 PUT secret/k?x;acl", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?x;acl").auth(V2_HEADER).body("overwritten")
        .expect(refused(400, IA)));
    cases.add(of("SigV2 GET secret/k?<1024 params>&tagging", ONE_BUCKET_USER, "GET", "/hmine/secret/k?" + Bodies.params(1024)
        + "&tagging").auth(V2_HEADER).expect(refused(400, IA)));
    cases.add(of("SigV2 X-Amz-Copy-Source + x-amz-copy-source", ONE_BUCKET_USER, "PUT", "/hmine/public/dst").auth(V2_HEADER)
        .header("X-Amz-Copy-Source", "/hother/other/k").header("x-amz-copy-source", "/hmine/public/a.txt")
        .expect(refused(400, IA)));
    cases.add(of("SigV2 read-only session POST secret/k?select&delete", READ_ONLY_ROLE, "POST", "/hmine/secret/k?select&delete")
        .auth(V2_HEADER).xml(Bodies.delete("secret/k")).expect(refused(400, IA)));
    cases.add(of("SigV2 query with response-content-type added (a signed sub-resource)", ONE_BUCKET_USER, "GET",
        "/hmine/public/a.txt").auth(V2_QUERY).tamper(r -> {
          r.target += "&response-content-type=text/html";
          return r;
        }).expect(refused(403, SDNM)));
    cases.add(of("SigV2 header on an uppercase virtual-host label", ONE_BUCKET_USER, "GET", "/public/a.txt").auth(V2_HEADER)
        .host("HMINE." + CorpusWorld.VHOST_DOMAIN + ":{port}").v2Resource("/HMINE/public/a.txt")
        .expect(refused(400, "InvalidBucketName").or(403, SDNM,
            "a proxy that lower-cases the Host (RFC 3986 §3.2.2) signs /hmine/..., not the /HMINE/... the client signed")));
    cases.add(of("SigV2 DELETE signed for public/b.txt replayed on secret/k", ONE_BUCKET_USER, "DELETE", "/hmine/public/b.txt")
        .auth(V2_HEADER).tamper(r -> {
          r.target = "/hmine/secret/k";
          return r;
        }).watch("hmine/public/b.txt").watch("hmine/secret/k").expect(refused(403, SDNM)));

    // Presigned SigV4: every query parameter but the signature is signed.
    cases.add(of("presigned GET with x;tagging added", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt").auth(V4_PRESIGNED)
        .tamper(r -> beforeSignature(r, "x;tagging")).expect(refused(403, SDNM)));
    cases.add(of("presigned GET with ';tagging' glued to the signature value", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt")
        .auth(V4_PRESIGNED).tamper(r -> {
          r.target += ";tagging";
          return r;
        }).expect(refused(403, SDNM).or(400, "AuthorizationQueryParametersError", "the signature is not 64 hex digits")));
    cases.add(of("presigned GET public/a.txt replayed on secret/k", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt")
        .auth(V4_PRESIGNED).tamper(r -> {
          r.target = r.target.replace("/hmine/public/a.txt", "/hmine/secret/k");
          return r;
        }).expect(refused(403, SDNM)));
    cases.add(of("presigned GET replayed as DELETE", ONE_BUCKET_USER, "GET", "/hmine/public/b.txt").auth(V4_PRESIGNED)
        .tamper(r -> {
          r.method = "DELETE";
          return r;
        }).watch("hmine/public/b.txt").expect(refused(403, SDNM)));
    cases.add(of("presigned GET with X-Amz-Expires changed", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt").auth(V4_PRESIGNED)
        .tamper(r -> {
          r.target = r.target.replace("X-Amz-Expires=600", "X-Amz-Expires=604800");
          return r;
        }).expect(refused(403, SDNM)));
    cases.add(of("presigned GET with acl added", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt").auth(V4_PRESIGNED)
        .tamper(r -> beforeSignature(r, "acl")).expect(refused(403, SDNM)));
    cases.add(of("presigned GET with X-Amz-Signature given twice", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt")
        .auth(V4_PRESIGNED).tamper(r -> {
          r.target += "&X-Amz-Signature=" + "0".repeat(64);
          return r;
        }).expect(refused(400, IA).or(400, "AuthorizationQueryParametersError", "a malformed presign query")
            .or(403, SDNM, "the verifier compares the first signature and the second is not signed")));
    cases.add(of("presigned GET plus an Authorization header", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt").auth(V4_PRESIGNED)
        .tamper(r -> r.header("Authorization", "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00"))
        .expect(refused(400, IA)));
    cases.add(of("presigned GET replayed to another virtual host", ONE_BUCKET_USER, "GET", "/public/a.txt").auth(V4_PRESIGNED)
        .host(MINE_HOST).tamper(SignatureCorpusTest::toOtherBucketHost).expect(refused(403, SDNM)));
    // S3 requires every x-amz-* header to be signed; read as a copy it would be a denied read.
    cases.add(of("presigned PUT with an unsigned x-amz-copy-source from secret/k", ONE_BUCKET_USER, "PUT", "/hmine/public/p")
        .auth(V4_PRESIGNED).tamper(r -> r.header("x-amz-copy-source", "/hmine/secret/k")).expect(refused(403, AD)));
    cases.add(of("presigned GET secret/k?x;tagging (signed by the caller)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?x;tagging")
        .auth(V4_PRESIGNED).expect(refused(400, IA)));
    cases.add(of("presigned PUT secret/k?x;acl", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?x;acl").auth(V4_PRESIGNED)
        .body("overwritten").expect(refused(400, IA)));
    cases.add(of("presigned read-only DELETE public/a.txt?x;tagging", READ_ONLY_ROLE, "DELETE", "/hmine/public/a.txt?x;tagging")
        .auth(V4_PRESIGNED).expect(refused(400, IA)));
    cases.add(of("presigned read-only POST secret/k?select&delete", READ_ONLY_ROLE, "POST", "/hmine/secret/k?select&delete")
        .auth(V4_PRESIGNED).body(Bodies.delete("secret/k")).expect(refused(400, IA)));
    cases.add(of("presigned read-only with the token altered", READ_ONLY_ROLE, "GET", "/hmine/public/a.txt").auth(V4_PRESIGNED)
        .tamper(r -> {
          int at = r.target.indexOf("X-Amz-Security-Token=") + "X-Amz-Security-Token=".length() + 20;
          char c = r.target.charAt(at);
          r.target = r.target.substring(0, at) + (c == 'A' ? 'B' : 'A') + r.target.substring(at + 1);
          return r;
        }).expect(refused(400, "InvalidToken").or(403, SDNM, "the token is signed; either check may come first")));

    // aws-chunked.
    byte[] data = bytes("chunky data, ".repeat(300));
    cases.add(built("aws-chunked PUT secret/k (PutObject denied)", w ->
        HostileSigner.signedChunks(w.request("PUT", "/hmine/secret/k"), w.credentials(ONE_BUCKET_USER), data, 1024))
        .watch("hmine/secret/k").expect(refused(403, AD)));
    cases.add(built("aws-chunked PUT secret/k?x;acl", w ->
        HostileSigner.signedChunks(w.request("PUT", "/hmine/secret/k?x;acl"), w.credentials(ONE_BUCKET_USER), data, 1024))
        .watch("hmine/secret/k").expect(refused(400, IA)));
    cases.add(built("aws-chunked read-only PUT", w ->
        HostileSigner.signedChunks(w.request("PUT", "/hmine/public/new"), w.credentials(READ_ONLY_ROLE), data, 1024))
        .expect(refused(403, AD)));
    // Verified while streaming: the backend may see the head and part of the body, never a commit.
    cases.add(built("aws-chunked flipped byte in chunk 2: nothing stored", w -> {
      WireRequest r = HostileSigner.signedChunks(w.request("PUT", "/hmine/public/new"), w.credentials(ONE_BUCKET_USER), data, 1024);
      int at = new String(r.body, StandardCharsets.ISO_8859_1).indexOf("chunky", 1200);
      r.body[at] ^= 1;
      return r;
    }).expect(refused(403, SDNM).reachesBackend()));
    cases.add(built("aws-chunked decoded length larger than the data", w -> HostileSigner.signedChunks(
        w.request("PUT", "/hmine/public/new").header("x-amz-decoded-content-length", Integer.toString(data.length + 10)),
        w.credentials(ONE_BUCKET_USER), data, 1024)).expect(refused(400, "IncompleteBody").reachesBackend()));
    cases.add(built("aws-chunked decoded length smaller than the data", w -> HostileSigner.signedChunks(
        w.request("PUT", "/hmine/public/new").header("x-amz-decoded-content-length", Integer.toString(data.length - 10)),
        w.credentials(ONE_BUCKET_USER), data, 1024)).expect(refused(400, "IncompleteBody").reachesBackend()));
    cases.add(built("aws-chunked without the final zero chunk", w -> {
      WireRequest r = HostileSigner.signedChunks(w.request("PUT", "/hmine/public/new"), w.credentials(ONE_BUCKET_USER), data, 1024);
      String body = new String(r.body, StandardCharsets.ISO_8859_1);
      r.body = body.substring(0, body.lastIndexOf("0;chunk-signature=")).getBytes(StandardCharsets.ISO_8859_1);
      return r;
    }).expect(refused(400, "IncompleteBody").reachesBackend()));
    cases.add(built("aws-chunked chunk size overflowing 64 bits", w -> {
      WireRequest r = HostileSigner.signedChunks(w.request("PUT", "/hmine/public/new"), w.credentials(ONE_BUCKET_USER), data, 1024);
      String body = new String(r.body, StandardCharsets.ISO_8859_1);
      r.body = ("1ffffffffffffffff" + body.substring(body.indexOf(';'))).getBytes(StandardCharsets.ISO_8859_1);
      return r;
    }).expect(refused(400, "IncompleteBody").reachesBackend()));
    cases.add(built("STREAMING payload hash with a plain body", w -> {
      WireRequest r = w.request("PUT", "/hmine/public/new").header("Content-Encoding", "aws-chunked")
          .header("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
          .header("x-amz-decoded-content-length", Integer.toString(data.length)).body(data);
      return HostileSigner.v4(r, w.credentials(ONE_BUCKET_USER));
    }).expect(refused(400, "IncompleteBody").reachesBackend()));
    cases.add(built("aws-chunked with Content-Encoding twice", w -> {
      WireRequest r = w.request("PUT", "/hmine/public/new").header("content-encoding", "aws-chunked");
      return HostileSigner.signedChunks(r.header("Content-Encoding", "aws-chunked"), w.credentials(ONE_BUCKET_USER), data, 1024);
    }).expect(refused(400, IA)));
    cases.add(built("unsigned trailer with a wrong CRC32: nothing stored", w -> HostileSigner.unsignedTrailer(
        w.request("PUT", "/hmine/public/new"), w.credentials(ONE_BUCKET_USER), data, 1000,
        List.of(HostileSigner.crc32Trailer(bytes("other data")))))
        .expect(refused(400, "BadDigest").reachesBackend()));
    // A trailer line x-amz-trailer did not declare is not a header the proxy will apply; S3 answers
    // MalformedTrailerError (undocumented beyond its name); a proxy that reads the body as
    // truncated at that line answers IncompleteBody.
    cases.add(built("unsigned trailer smuggling an undeclared x-amz-acl", w -> HostileSigner.unsignedTrailer(
        w.request("PUT", "/hmine/public/new"), w.credentials(ONE_BUCKET_USER), data, 1000,
        List.of(HostileSigner.crc32Trailer(data), "x-amz-acl:public-read")))
        .expect(refused(400, "MalformedTrailerError").reachesBackend()
            .or(400, "InvalidRequest", "an undeclared trailer refused as a bad request")
            .or(400, "IncompleteBody", "the aws-chunked parser stops at the unexpected line")));
    cases.add(built("x-amz-trailer given twice", w -> HostileSigner.unsignedTrailer(
        w.request("PUT", "/hmine/public/new").header("x-amz-trailer", "x-amz-checksum-crc32")
            .header("X-Amz-Trailer", "x-amz-checksum-sha256"), w.credentials(ONE_BUCKET_USER), data, 1000,
        List.of(HostileSigner.crc32Trailer(data)))).expect(refused(400, IA)));
    return cases.stream();
  }
}
