package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Expect.ok;
import static dev.tokengate.proxy.hostile.Expect.refused;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ANONYMOUS;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ONE_BUCKET_USER;
import static dev.tokengate.proxy.hostile.HostileCase.Who.READ_ONLY_ROLE;
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
 * Headers: names compared case-insensitively, so two lines that differ only in case are one header
 * given twice (refused, 400 InvalidArgument, whichever line the backend would have read); values
 * with CR, LF or NUL refused; and {@code x-amz-copy-source} read as S3 reads it (URL-decoded once,
 * {@code +} a space, {@code bucket/key[?versionId=v]} and nothing else), so the object authorized is
 * the object copied.
 */
@Timeout(120)
class HeaderCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, HeaderCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileHeader(HostileCase c) throws Exception {
    world.run(c);
  }

  static final String IA = "InvalidArgument";
  static final String AD = "AccessDenied";
  static final String DST = "/hmine/public/dst";

  /**
   * A raw CR, LF or NUL in a header line: refused as the decision table says (400 InvalidArgument)
   * when the HTTP codec hands the value over, or by the codec itself (400, its own code) when it
   * cannot parse the line; an LF the codec takes for a line end splits the line in two, which no
   * longer matches what was signed (403 SignatureDoesNotMatch). Each is a refusal before
   * authorization.
   */
  static Expect injected() {
    return refused(400, IA)
        .or(400, null, "the HTTP codec may refuse the line itself, with its own code")
        .or(403, "SignatureDoesNotMatch", "a codec that ends the line at LF sees other headers than were signed");
  }

  /**
   * A header the signature check itself reads, given twice: the table's 400 InvalidArgument, or the
   * framing layer's 400 BadRequest when it refuses repeated framing and authentication headers
   * before anything reads them. Both refuse before authentication.
   */
  static Expect authHeaderTwice() {
    return refused(400, IA).or(400, "BadRequest", "the framing layer refuses repeated auth headers before the model");
  }

  static Stream<HostileCase> cases() {
    List<HostileCase> cases = new ArrayList<>();
    // The same header twice, in two cases: which one would the backend read?
    cases.add(of("X-Amz-Copy-Source other bucket + x-amz-copy-source mine", ONE_BUCKET_USER, "PUT", DST)
        .header("X-Amz-Copy-Source", "/hother/other/k").header("x-amz-copy-source", "/hmine/public/a.txt")
        .expect(refused(400, IA)));
    cases.add(of("x-amz-copy-source mine + X-Amz-Copy-Source other bucket", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt").header("X-Amz-Copy-Source", "/hother/other/k")
        .expect(refused(400, IA)));
    cases.add(of("x-amz-copy-source twice, same case", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt").header("x-amz-copy-source", "/hmine/secret/k")
        .expect(refused(400, IA)));
    cases.add(of("X-AMZ-COPY-SOURCE alone is the copy source (other bucket: denied)", ONE_BUCKET_USER, "PUT", DST)
        .header("X-AMZ-COPY-SOURCE", "/hother/other/k").expect(refused(403, AD)));
    cases.add(of("X-Amz-Acl private + x-amz-acl public-read", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("X-Amz-Acl", "private").header("x-amz-acl", "public-read").body("made public?").expect(refused(400, IA)));
    cases.add(of("x-amz-acl public-read + X-AMZ-ACL private", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("x-amz-acl", "public-read").header("X-AMZ-ACL", "private").body("made public?").expect(refused(400, IA)));
    cases.add(of("x-amz-acl public-read alone (condition denies)", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("x-amz-acl", "public-read").body("made public?").expect(refused(403, AD)));
    cases.add(of("X-AMZ-ACL public-read alone (names are case-insensitive)", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("X-AMZ-ACL", "public-read").body("made public?").expect(refused(403, AD)));
    cases.add(of("x-amz-acl ' public-read\\t' is public-read once trimmed", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("x-amz-acl", " public-read\t").body("made public?").expect(refused(403, AD)));
    cases.add(of("PutObjectAcl with x-amz-acl private + X-Amz-Acl public-read", ONE_BUCKET_USER, "PUT", "/hmine/public/a.txt?acl")
        .header("x-amz-acl", "private").header("X-Amz-Acl", "public-read").expect(refused(400, IA)));
    cases.add(of("x-amz-metadata-directive COPY + X-Amz-Metadata-Directive REPLACE", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt").header("x-amz-metadata-directive", "COPY")
        .header("X-Amz-Metadata-Directive", "REPLACE").header("x-amz-meta-evil", "1").expect(refused(400, IA)));
    cases.add(of("x-amz-grant-read twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"")
        .header("X-Amz-Grant-Read", "id=\"someone\"").body("x").expect(refused(400, IA)));
    cases.add(of("x-amz-content-sha256 twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-content-sha256", "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
        .header("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD").expect(authHeaderTwice()));
    cases.add(of("x-amz-date twice (both signed)", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt")
        .header("x-amz-date", "{now}").header("X-Amz-Date", "{now}").expect(authHeaderTwice()));
    cases.add(of("x-amz-security-token twice (both signed)", READ_ONLY_ROLE, "DELETE", "/hmine/public/a.txt")
        .header("x-amz-security-token", "{token}").header("X-Amz-Security-Token", "{token}").expect(authHeaderTwice()));
    // Two Authorization lines cannot both be the signature: the authenticator refuses them.
    cases.add(of("Authorization twice", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k")
        .tamper(r -> r.header("authorization", r.value("authorization"))).expect(authHeaderTwice()));
    cases.add(of("Content-Type twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("Content-Type", "text/plain").header("content-type", "text/html").expect(refused(400, IA)));
    cases.add(of("x-amz-meta-a twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-meta-a", "1").header("X-Amz-Meta-A", "2").expect(refused(400, IA)));
    cases.add(of("Range twice", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt")
        .header("Range", "bytes=0-1").header("range", "bytes=2-3").expect(refused(400, IA)));
    cases.add(of("x-amz-tagging twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-tagging", "a=1").header("X-Amz-Tagging", "b=2").expect(refused(400, IA)));
    cases.add(of("x-amz-server-side-encryption twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-server-side-encryption", "AES256").header("X-Amz-Server-Side-Encryption", "aws:kms")
        .expect(refused(400, IA)));
    cases.add(of("x-amz-website-redirect-location twice", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-website-redirect-location", "/a").header("X-Amz-Website-Redirect-Location", "http://evil.example/")
        .expect(refused(400, IA)));
    cases.add(of("If-Match twice", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt")
        .header("If-Match", "\"a\"").header("if-match", "*").expect(refused(400, IA)));
    cases.add(of("x-amz-copy-source-if-match twice", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/hmine/public/a.txt")
        .header("x-amz-copy-source-if-match", "\"a\"").header("X-Amz-Copy-Source-If-Match", "*").expect(refused(400, IA)));
    cases.add(of("Content-MD5 twice on DeleteObjects", ONE_BUCKET_USER, "POST", "/hmine?delete").xml(Bodies.delete("plain.txt"))
        .header("content-md5", "{md5}").watch("hmine/plain.txt").expect(refused(400, IA)));
    cases.add(of("x-amz-expected-bucket-owner twice", ONE_BUCKET_USER, "DELETE", "/hmine/plain.txt")
        .header("x-amz-expected-bucket-owner", "123456789012").header("X-Amz-Expected-Bucket-Owner", "999999999999")
        .expect(refused(400, IA)));
    cases.add(of("anonymous: x-amz-acl twice", ANONYMOUS, "PUT", "/hpublic/p/k?acl")
        .header("x-amz-acl", "private").header("X-Amz-Acl", "public-read-write").expect(refused(400, IA)));

    // CR, LF and NUL inside header lines.
    cases.add(of("NUL in x-amz-meta value", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-meta-a", "a\0b").expect(injected()));
    cases.add(of("NUL in x-amz-copy-source", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt\0/../secret/k").expect(injected()));
    cases.add(of("bare CR in x-amz-meta value", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-meta-a", "a\rb").expect(injected()));
    cases.add(of("LF in x-amz-copy-source smuggling an x-amz-acl line", ONE_BUCKET_USER, "PUT", "/hmine/public/new")
        .header("x-amz-copy-source", "/hmine/public/a.txt\nx-amz-acl: public-read").expect(injected()));
    cases.add(of("LF in x-amz-meta smuggling a copy source", ONE_BUCKET_USER, "PUT", DST).body("x")
        .header("x-amz-meta-a", "v\nx-amz-copy-source: /hother/other/k").expect(injected()));
    cases.add(of("obs-fold continuation line on x-amz-acl", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .header("x-amz-acl", "private\r\n public-read")
        .expect(refused(400, IA).or(400, null, "RFC 9112 lets a server refuse obs-fold with a plain 400")));
    // RFC 9112 §5.2 also lets a server replace obs-fold with a space: the source key then ends in
    // " /hother/other/k", which does not exist. Either way nothing of the other bucket is read.
    cases.add(of("obs-fold continuation line on x-amz-copy-source", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt\r\n\t/hother/other/k")
        .expect(refused(400, IA).or(400, null, "RFC 9112 lets a server refuse obs-fold with a plain 400")
            .or(404, "NoSuchKey", "obs-fold replaced by a space names a source key that does not exist").reachesBackend()));
    cases.add(of("NUL in a header name", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .unsignedHeader("x-amz-meta-\0a", "v").expect(refused(400, IA).or(400, null, "the codec refuses the line")));
    cases.add(of("space before the colon of x-amz-acl", ONE_BUCKET_USER, "PUT", "/hmine/public/new").body("x")
        .unsignedHeader("x-amz-acl ", "public-read")
        .expect(refused(400, IA).or(400, null, "RFC 9112 §5.1: a server must refuse whitespace before the colon")
            .or(403, AD, "read as an unsigned x-amz-* header, which S3 refuses")));

    // x-amz-copy-source decoding: the object authorized is the object copied.
    cases.add(of("copy from the other bucket", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/hother/other/k")
        .expect(refused(403, AD)));
    cases.add(of("copy from the other bucket, no leading slash", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "hother/other/k").expect(refused(403, AD)));
    cases.add(of("copy from secret/k", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/hmine/secret/k")
        .expect(refused(403, AD)));
    // AWS URL-decodes the copy source with '+' as a space: an unencoded "foo++bar.txt" source gave
    // NoSuchKey (aws/aws-cli#614, aws-sdk-js#1821). So a raw '+' names "top secret" (denied); only
    // %2B names the plus object. (Issue 8's table first said "+ stays a plus"; AWS's behaviour and
    // the model's PercentDecoding say otherwise, and what matters is that both sides read the same.)
    cases.add(of("copy 'top+secret': a raw plus is a space, so 'top secret' (denied)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/top+secret").expect(refused(403, AD)));
    cases.add(of("copy 'top%2Bsecret' is the plus object (allowed)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/top%2Bsecret").expect(ok(200).creates("hmine", "public/dst", "a plus is not a space")));
    cases.add(of("copy 'top%20secret' is the denied 'top secret'", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/top%20secret").expect(refused(403, AD)));
    cases.add(of("copy 'top secret' with a raw space is denied", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/top secret").expect(refused(403, AD)));
    cases.add(of("copy '/hmine%2Fsecret%2Fk' decodes to secret/k", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine%2Fsecret%2Fk").expect(refused(403, AD)));
    cases.add(of("copy '%2Fhother%2Fother%2Fk' decodes to the other bucket", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "%2Fhother%2Fother%2Fk").expect(refused(403, AD)));
    cases.add(of("copy secret/k?versionId=1 (GetObjectVersion denied)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/secret/k?versionId=1").expect(refused(403, AD)));
    cases.add(of("copy ?versionId=1&x=secret", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt?versionId=1&x=secret").expect(refused(400, IA)));
    cases.add(of("copy ?x=1", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/hmine/public/a.txt?x=1")
        .expect(refused(400, IA)));
    cases.add(of("copy ?versionid=1 (lower case)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt?versionid=1").expect(refused(400, IA)));
    cases.add(of("copy ?versionId= (empty; AWS: InvalidArgument)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt?versionId=").expect(refused(400, IA)));
    cases.add(of("copy ?versionId=1?versionId=2", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/secret/k?versionId=1?versionId=2").expect(refused(400, IA).or(403, AD,
            "a model that takes the value after the first '=' as the version id authorizes a denied GetObjectVersion")));
    cases.add(of("copy 'public/a.txt%3FversionId=1' is a key with a '?' (absent)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/public/a.txt%3FversionId=1").expect(refused(404, "NoSuchKey").reachesBackend()));
    cases.add(of("copy 'secret/k%3FversionId=1' is a key under secret/ (denied)", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/secret/k%3FversionId=1").expect(refused(403, AD)));
    for (String bad : List.of("/hmine", "/hmine/", "/", "", "/hother", "//hother/other/k")) {
      cases.add(of("copy source '" + bad + "' names no object", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", bad)
          .expect(refused(400, IA)));
    }
    // Dot segments: S3 keeps them, backends resolve them; the model refuses them in keys, so here too.
    Expect dots = refused(400, IA).or(400, "InvalidURI", "the dot-segment rule for keys (InvalidURI) applied to the source key");
    for (String bad : List.of("/hmine/public/../secret/k", "/hmine/./secret/k", "/hmine/public/%2E%2E/secret/k",
        "/hmine/public/..%2Fsecret/k")) {
      cases.add(of("copy source '" + bad + "' (dot segment)", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", bad)
          .expect(dots));
    }
    Expect badUri = refused(400, IA).or(400, "InvalidURI", "the path rule for NUL and bad escapes applied to the source key");
    cases.add(of("copy source with %00", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/hmine/secret/k%00")
        .expect(badUri));
    cases.add(of("copy source with %zz", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/hmine/%zz").expect(badUri));
    cases.add(of("copy source with overlong %C0%AF", ONE_BUCKET_USER, "PUT", DST)
        .header("x-amz-copy-source", "/hmine/secret%C0%AFk").expect(badUri));
    cases.add(of("copy source bucket 'HMINE'", ONE_BUCKET_USER, "PUT", DST).header("x-amz-copy-source", "/HMINE/public/a.txt")
        .expect(refused(400, IA).or(400, "InvalidBucketName", "the bucket-name rule applied to the source bucket")
            .or(403, AD, "a legacy us-east-1 name still addresses a bucket, which the user may not read")));
    cases.add(of("copy into secret/ (PutObject denied)", ONE_BUCKET_USER, "PUT", "/hmine/secret/dst")
        .header("x-amz-copy-source", "/hmine/public/a.txt").expect(refused(403, AD)));
    cases.add(of("read-only copy", READ_ONLY_ROLE, "PUT", DST).header("x-amz-copy-source", "/hmine/public/a.txt")
        .expect(refused(403, AD)));
    cases.add(of("anonymous copy within the public bucket", ANONYMOUS, "PUT", "/hpublic/p/copy")
        .header("x-amz-copy-source", "/hpublic/p/k").expect(refused(403, AD)));
    return cases.stream();
  }
}
