package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Expect.ok;
import static dev.tokengate.proxy.hostile.Expect.refused;
import static dev.tokengate.proxy.hostile.Expect.status;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ANONYMOUS;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ONE_BUCKET_USER;
import static dev.tokengate.proxy.hostile.HostileCase.Who.PREFIX_USER;
import static dev.tokengate.proxy.hostile.HostileCase.Who.READ_ONLY_ROLE;
import static dev.tokengate.proxy.hostile.HostileCase.of;

import dev.tokengate.proxy.harness.TokengateExtension;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Query strings read the way S3 reads them: split only on {@code &} (a {@code ;} is part of a
 * name), names and values percent-decoded, {@code +} a space in a value, no limit on the count, a
 * duplicated name refused, and a parameter the operation does not define refused (400
 * InvalidArgument, before authorization, the backend never asked): so no sub-resource can hide
 * from the classifier and reappear at the backend, on any method, POST included.
 */
@Timeout(120)
class QueryCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, QueryCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileQuery(HostileCase c) throws Exception {
    world.run(c);
  }

  static final String IA = "InvalidArgument";

  static Stream<HostileCase> cases() {
    return Stream.of(
        // ';' is not a separator: the whole "x;sub" is one parameter name no operation defines.
        of("GET secret/k?x;tagging (GetObject hidden as GetObjectTagging)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?x;tagging")
            .expect(refused(400, IA)),
        of("DELETE secret/k?x;tagging (DeleteObject hidden as DeleteObjectTagging)", ONE_BUCKET_USER, "DELETE",
            "/hmine/secret/k?x;tagging").expect(refused(400, IA)),
        of("PUT secret/k?x;acl (PutObject hidden as PutObjectAcl)", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?x;acl")
            .body("overwritten").expect(refused(400, IA)),
        of("DELETE hempty?x;cors (DeleteBucket hidden as DeleteBucketCors)", ONE_BUCKET_USER, "DELETE", "/hempty?x;cors")
            .expect(refused(400, IA)),
        of("DELETE hempty?x;website", ONE_BUCKET_USER, "DELETE", "/hempty?x;website").expect(refused(400, IA)),
        of("list ?x;prefix=public/&prefix=secret/ (s3:prefix condition)", PREFIX_USER, "GET",
            "/hmine?list-type=2&x;prefix=public/&prefix=secret/").expect(refused(400, IA).lacks("secret/k")),
        of("DELETE public/a.txt?x;uploadId=1 (DeleteObject hidden as AbortMultipartUpload)", PREFIX_USER, "DELETE",
            "/hmine/public/a.txt?x;uploadId=1").expect(refused(400, IA)),
        of("PUT secret/k?acl;x", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?acl;x").body("overwritten").expect(refused(400, IA)),
        of("DELETE secret/k?;tagging (leading ;)", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?;tagging").expect(refused(400, IA)),
        of("DELETE secret/k?tagging; (trailing ;)", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?tagging;").expect(refused(400, IA)),
        of("POST secret/k?x;uploads", ONE_BUCKET_USER, "POST", "/hmine/secret/k?x;uploads").expect(refused(400, IA)),
        of("GET hmine?x;versions", ONE_BUCKET_USER, "GET", "/hmine?x;versions").expect(refused(400, IA)),
        of("anonymous GET hpublic?x;acl", ANONYMOUS, "GET", "/hpublic?x;acl").expect(refused(400, IA)),
        of("anonymous PUT hpublic/p/k?x;acl", ANONYMOUS, "PUT", "/hpublic/p/k?x;acl").body("vandalised").expect(refused(400, IA)),
        of("anonymous DELETE hpublic/p/k?x;tagging", ANONYMOUS, "DELETE", "/hpublic/p/k?x;tagging").expect(refused(400, IA)),
        of("read-only DELETE public/a.txt?x;tagging", READ_ONLY_ROLE, "DELETE", "/hmine/public/a.txt?x;tagging")
            .expect(refused(400, IA)),
        of("read-only PUT public/a.txt?x;tagging", READ_ONLY_ROLE, "PUT", "/hmine/public/a.txt?x;tagging").body("overwritten")
            .expect(refused(400, IA)),
        // A ';' inside a defined parameter's value is just a value: versionId=null;tagging asks for a version.
        of("GET secret/k?versionId=null;tagging is GetObjectVersion, denied", ONE_BUCKET_USER, "GET",
            "/hmine/secret/k?versionId=null;tagging").expect(refused(403, "AccessDenied")),

        // More than 1024 parameters: S3 has no such limit, so nothing after the 1024th goes unseen.
        of("PUT public/a.txt?<1024 params>&acl (PutObjectAcl behind PutObject)", PREFIX_USER, "PUT",
            "/hmine/public/a.txt?" + Bodies.params(1024) + "&acl").body(Bodies.publicReadAcl()).expect(refused(400, IA)),
        of("PUT secret/k?<1024 params>&acl", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?" + Bodies.params(1024) + "&acl")
            .body("overwritten").expect(refused(400, IA)),
        of("DELETE secret/k?<1500 params>&tagging", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?" + Bodies.params(1500) + "&tagging")
            .expect(refused(400, IA)),
        of("read-only DELETE public/a.txt?<1024 params>&tagging", READ_ONLY_ROLE, "DELETE",
            "/hmine/public/a.txt?" + Bodies.params(1024) + "&tagging").expect(refused(400, IA)),
        // 1025 duplicates stay under the proxy's 16 KiB request line (longer is a 414, see the framing cases).
        of("GET secret/k?<1025 x-id duplicates>", ONE_BUCKET_USER, "GET", "/hmine/secret/k?" + "x-id=GetObject&".repeat(1025) + "tagging")
            .expect(refused(400, IA)),

        // Duplicated names: which one would the backend take?
        of("GET public/a.txt?versionId=1&versionId=2", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt?versionId=1&versionId=2")
            .expect(refused(400, IA)),
        of("list ?prefix=public/&prefix=secret/", PREFIX_USER, "GET", "/hmine?list-type=2&prefix=public/&prefix=secret/")
            .expect(refused(400, IA).lacks("secret/k")),
        of("list ?list-type=2&list-type=1", ONE_BUCKET_USER, "GET", "/hmine?list-type=2&list-type=1").expect(refused(400, IA)),
        of("PUT secret/k?acl&acl", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?acl&acl").body(Bodies.publicReadAcl())
            .expect(refused(400, IA)),
        of("DELETE secret/k?uploadId=1&uploadId=2", PREFIX_USER, "DELETE", "/hmine/secret/k?uploadId=1&uploadId=2")
            .expect(refused(400, IA)),
        of("GET secret/k?tagging&tagging=", ONE_BUCKET_USER, "GET", "/hmine/secret/k?tagging&tagging=").expect(refused(400, IA)),
        of("POST hmine?delete&delete", ONE_BUCKET_USER, "POST", "/hmine?delete&delete").xml(Bodies.delete("secret/k"))
            .watch("hmine/secret/k").expect(refused(400, IA)),
        of("list ?prefix=public/&%70refix=secret/ (same name once decoded)", PREFIX_USER, "GET",
            "/hmine?list-type=2&prefix=public/&%70refix=secret/").expect(refused(400, IA).lacks("secret/k")),

        // Names are percent-decoded as S3 decodes them: %61cl is acl, the same operation on both sides.
        of("GET secret/k?%61cl is GetObjectAcl (allowed), never the object", ONE_BUCKET_USER, "GET", "/hmine/secret/k?%61cl")
            .expect(ok(200).has("AccessControlPolicy")),
        of("DELETE secret/k?%75ploadId=nosuch is AbortMultipartUpload: NoSuchUpload, object kept", PREFIX_USER, "DELETE",
            "/hmine/secret/k?%75ploadId=nosuch").expect(refused(404, "NoSuchUpload").reachesBackend()),
        of("GET secret/k?x%3Btagging (encoded ; in a name)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?x%3Btagging")
            .expect(refused(400, IA)),
        of("GET secret/k?tagging%3Dx (encoded = in a name)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?tagging%3Dx")
            .expect(refused(400, IA)),
        of("DELETE secret/k?tag%67ing%26x (encoded & in a name)", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?tag%67ing%26x")
            .expect(refused(400, IA)),
        of("GET secret/k?tagging%00 (NUL in a name)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?tagging%00")
            .expect(refused(400, "InvalidURI")),
        of("GET public/a.txt?ACL (names are case-sensitive)", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt?ACL")
            .expect(refused(400, IA)),
        of("DELETE secret/k?Tagging (names are case-sensitive)", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?Tagging")
            .expect(refused(400, IA)),

        // '+' in a query value is a space (form rule); in a name too.
        of("list ?prefix=public/a+b is prefix 'public/a b' (allowed, empty)", PREFIX_USER, "GET",
            "/hmine?list-type=2&prefix=public/a+b").expect(ok(200).has("<Prefix>public/a b</Prefix>").lacks("<Key>")),
        of("list ?prefix=secret/+ is prefix 'secret/ ' (denied)", PREFIX_USER, "GET", "/hmine?list-type=2&prefix=secret/+")
            .expect(refused(403, "AccessDenied")),
        of("list ?prefix=public%2B is 'public+' (denied)", PREFIX_USER, "GET", "/hmine?list-type=2&prefix=public%2B")
            .expect(refused(403, "AccessDenied")),
        of("list ?prefix=public%20 is 'public ' (denied)", PREFIX_USER, "GET", "/hmine?list-type=2&prefix=public%20")
            .expect(refused(403, "AccessDenied")),
        // A prefix is a query value, not a key: "public/../secret/" is literal and lists nothing.
        of("list ?prefix=public/../secret/ lists no secret key", PREFIX_USER, "GET", "/hmine?list-type=2&prefix=public/../secret/")
            .expect(ok(200).lacks("<Key>secret/")),
        of("list ?prefix=public/%2E%2E/secret/ lists no secret key", PREFIX_USER, "GET",
            "/hmine?list-type=2&prefix=public/%2E%2E/secret/").expect(ok(200).lacks("<Key>secret/")),
        of("GET secret/k?tag+ging (a space in a name)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?tag+ging").expect(refused(400, IA)),
        of("GET public/a.txt?response-content-type=text/plain+x (value with a space)", ONE_BUCKET_USER, "GET",
            "/hmine/public/a.txt?response-content-type=text/plain+x")
            .expect(ok(200).has("public a").check("Content-Type is 'text/plain x'",
                r -> "text/plain x".equals(r.header("content-type")))),

        // Empty segments are nothing: they neither hide nor add a parameter. (AWS does not document
        // them; every HTTP query parser we know skips them, and so does the SigV4 canonical query.)
        of("GET public/a.txt?& is GetObject", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt?&").expect(ok(200).has("public a")),
        of("GET public/a.txt?&&& is GetObject", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt?&&&").expect(ok(200).has("public a")),
        of("read-only DELETE public/a.txt?&& is DeleteObject, denied", READ_ONLY_ROLE, "DELETE", "/hmine/public/a.txt?&&")
            .expect(refused(403, "AccessDenied")),
        of("read-only DELETE public/a.txt?&tagging& is DeleteObjectTagging, denied", READ_ONLY_ROLE, "DELETE",
            "/hmine/public/a.txt?&tagging&").expect(refused(403, "AccessDenied")),
        of("PUT secret/k?=acl (empty name)", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?=acl").body("overwritten")
            .expect(refused(400, IA)),
        of("GET secret/k?=", ONE_BUCKET_USER, "GET", "/hmine/secret/k?=").expect(refused(400, IA)),

        // Unknown or extra parameters on every method, POST included.
        of("read-only POST secret/k?select&delete with a Delete body", READ_ONLY_ROLE, "POST", "/hmine/secret/k?select&delete")
            .xml(Bodies.delete("secret/k", "public/a.txt")).watch("hmine/public/a.txt").expect(refused(400, IA)),
        of("anonymous POST hpublic/p/k?select&delete", ANONYMOUS, "POST", "/hpublic/p/k?select&delete")
            .xml(Bodies.delete("p/k", "p/j")).watch("hpublic/p/j").expect(refused(400, IA)),
        of("POST public/x?uploads&delete deleting outside the prefix", PREFIX_USER, "POST", "/hmine/public/x?uploads&delete")
            .xml(Bodies.delete("secret/k", "plain.txt")).watch("hmine/secret/k").watch("hmine/plain.txt").expect(refused(400, IA)),
        of("read-only POST public/a.txt?restore&delete", READ_ONLY_ROLE, "POST", "/hmine/public/a.txt?restore&delete")
            .xml(Bodies.delete("secret/k")).watch("hmine/secret/k").expect(refused(400, IA)),
        of("POST public/a.txt?uploadId=1&delete", PREFIX_USER, "POST", "/hmine/public/a.txt?uploadId=1&delete")
            .xml(Bodies.delete("secret/k")).watch("hmine/secret/k").expect(refused(400, IA)),
        of("anonymous POST hpublic/p/k?restore&delete", ANONYMOUS, "POST", "/hpublic/p/k?restore&delete")
            .xml(Bodies.delete("p/k")).expect(refused(400, IA)),
        of("read-only POST secret/k?select&select-type=2&delete", READ_ONLY_ROLE, "POST",
            "/hmine/secret/k?select&select-type=2&delete").xml(Bodies.delete("secret/k")).expect(refused(400, IA)),
        of("POST hmine?delete&uploads", ONE_BUCKET_USER, "POST", "/hmine?delete&uploads").xml(Bodies.delete("secret/k"))
            .watch("hmine/secret/k").expect(refused(400, IA)),
        of("POST hmine?delete&x", ONE_BUCKET_USER, "POST", "/hmine?delete&x").xml(Bodies.delete("secret/k"))
            .watch("hmine/secret/k").expect(refused(400, IA)),
        of("POST hmine?delete&x-id=DeleteObjects is DeleteObjects (x-id is the SDK's hint)", ONE_BUCKET_USER, "POST",
            "/hmine?delete&x-id=DeleteObjects").xml(Bodies.delete("nothing/here")).expect(ok(200).has("<Deleted>")),
        of("GET secret/k?acl&tagging", ONE_BUCKET_USER, "GET", "/hmine/secret/k?acl&tagging").expect(refused(400, IA)),
        of("PUT secret/k?acl&tagging", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?acl&tagging").body(Bodies.tagging())
            .expect(refused(400, IA)),
        of("DELETE secret/k?tagging&uploadId=1", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?tagging&uploadId=1")
            .expect(refused(400, IA)),
        of("DELETE secret/k?versionId=1&x", ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?versionId=1&x").expect(refused(400, IA)),
        // HEAD has no body: the status is all there is to check.
        of("HEAD secret/k?acl", ONE_BUCKET_USER, "HEAD", "/hmine/secret/k?acl").expect(status(400)),
        of("HEAD secret/k?x;tagging", ONE_BUCKET_USER, "HEAD", "/hmine/secret/k?x;tagging").expect(status(400)),
        of("PUT secret/k?uploadId=1 without partNumber", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?uploadId=1").body("overwritten")
            .expect(refused(400, IA)),
        of("PUT secret/k?partNumber=1 without uploadId", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?partNumber=1").body("overwritten")
            .expect(refused(400, IA)),
        of("GET secret/k?uploadId=1&acl", ONE_BUCKET_USER, "GET", "/hmine/secret/k?uploadId=1&acl").expect(refused(400, IA)),
        of("POST secret/k?uploads&tagging", ONE_BUCKET_USER, "POST", "/hmine/secret/k?uploads&tagging").expect(refused(400, IA)),
        of("GET public/a.txt?x-id=GetObject (accepted, not forwarded)", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt?x-id=GetObject")
            .expect(ok(200).has("public a")),
        of("GET public/a.txt?X-Id=GetObject (not the SDK hint)", ONE_BUCKET_USER, "GET", "/hmine/public/a.txt?X-Id=GetObject")
            .expect(refused(400, IA)),
        of("anonymous GET hpublic/p/k?foo=bar", ANONYMOUS, "GET", "/hpublic/p/k?foo=bar").expect(refused(400, IA)),
        of("anonymous GET hpublic?list-type=2&foo", ANONYMOUS, "GET", "/hpublic?list-type=2&foo").expect(refused(400, IA)));
  }
}
