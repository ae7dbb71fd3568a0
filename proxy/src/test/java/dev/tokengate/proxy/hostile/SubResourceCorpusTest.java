package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Expect.ok;
import static dev.tokengate.proxy.hostile.Expect.refused;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ANONYMOUS;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ONE_BUCKET_USER;
import static dev.tokengate.proxy.hostile.HostileCase.Who.PREFIX_USER;
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
 * Sub-resources, alone and in combinations, on methods that have them and methods that do not.
 * S3Proxy (the backend) treats a sub-resource it does not know as a plain object or bucket request
 * (it answered {@code DELETE /b/k?acl} by deleting the object, {@code PUT ?renameObject} by
 * overwriting it), so a request the proxy does not classify exactly must never reach it.
 */
@Timeout(120)
class SubResourceCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, SubResourceCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileSubResource(HostileCase c) throws Exception {
    world.run(c);
  }

  static final String IA = "InvalidArgument";
  static final String AD = "AccessDenied";

  /**
   * A method the sub-resource does not have. The decision table names both answers (405
   * MethodNotAllowed for an unsupported method on a resource, 400 InvalidArgument for a parameter
   * the classified operation does not define) and AWS does not document which one a given
   * method/sub-resource pair gets; either is a refusal before authorization.
   */
  static Expect notThisMethod() {
    return refused(405, "MethodNotAllowed")
        .or(400, IA, "AWS does not document which of 405 MethodNotAllowed / 400 InvalidArgument a method a sub-resource lacks gets");
  }

  static Stream<HostileCase> cases() {
    List<HostileCase> cases = new ArrayList<>();
    // Anonymous may only GetObject and ListBucket on hpublic: every real sub-resource operation is denied.
    for (String sub : List.of("acl", "tagging", "torrent", "retention", "legal-hold")) {
      cases.add(of("anonymous GET hpublic/p/k?" + sub, ANONYMOUS, "GET", "/hpublic/p/k?" + sub).expect(refused(403, AD)));
    }
    cases.add(of("anonymous GET hpublic/p/k?attributes", ANONYMOUS, "GET", "/hpublic/p/k?attributes")
        .header("x-amz-object-attributes", "ETag").expect(refused(403, AD)));
    for (String sub : List.of("acl", "tagging", "retention", "legal-hold")) {
      cases.add(of("anonymous PUT hpublic/p/k?" + sub, ANONYMOUS, "PUT", "/hpublic/p/k?" + sub).body("<x/>")
          .expect(refused(403, AD)));
    }
    cases.add(of("anonymous DELETE hpublic/p/k?tagging", ANONYMOUS, "DELETE", "/hpublic/p/k?tagging").expect(refused(403, AD)));
    cases.add(of("anonymous POST hpublic/p/k?restore", ANONYMOUS, "POST", "/hpublic/p/k?restore").body("<RestoreRequest/>")
        .expect(refused(403, AD)));
    cases.add(of("anonymous POST hpublic/p/k?uploads", ANONYMOUS, "POST", "/hpublic/p/k?uploads").expect(refused(403, AD)));
    for (String sub : List.of("acl", "policy", "versioning", "lifecycle", "website", "cors", "object-lock")) {
      cases.add(of("anonymous PUT hpublic?" + sub, ANONYMOUS, "PUT", "/hpublic?" + sub).body("<x/>").expect(refused(403, AD)));
    }
    for (String sub : List.of("cors", "lifecycle", "website", "policy", "tagging")) {
      cases.add(of("anonymous DELETE hpublic?" + sub, ANONYMOUS, "DELETE", "/hpublic?" + sub).expect(refused(403, AD)));
    }

    // The read-only role writes through no sub-resource.
    cases.add(of("read-only PUT public/a.txt?acl", READ_ONLY_ROLE, "PUT", "/hmine/public/a.txt?acl").body(Bodies.publicReadAcl())
        .expect(refused(403, AD)));
    cases.add(of("read-only PUT public/a.txt?tagging", READ_ONLY_ROLE, "PUT", "/hmine/public/a.txt?tagging").body(Bodies.tagging())
        .expect(refused(403, AD)));
    cases.add(of("read-only DELETE hmine?policy", READ_ONLY_ROLE, "DELETE", "/hmine?policy").expect(refused(403, AD)));
    cases.add(of("read-only PUT hmine?versioning", READ_ONLY_ROLE, "PUT", "/hmine?versioning").body("<VersioningConfiguration/>")
        .expect(refused(403, AD)));
    cases.add(of("read-only DELETE hmine?lifecycle", READ_ONLY_ROLE, "DELETE", "/hmine?lifecycle").expect(refused(403, AD)));

    // Object sub-resources on methods that do not have them: the object must stay.
    for (String sub : List.of("acl", "torrent", "retention", "legal-hold", "attributes", "restore", "select")) {
      cases.add(of("DELETE secret/k?" + sub, ONE_BUCKET_USER, "DELETE", "/hmine/secret/k?" + sub).expect(notThisMethod()));
    }
    for (String sub : List.of("torrent", "attributes", "restore", "select")) {
      cases.add(of("PUT secret/k?" + sub, ONE_BUCKET_USER, "PUT", "/hmine/secret/k?" + sub).body("overwritten")
          .expect(notThisMethod()));
    }
    for (String sub : List.of("restore", "select", "uploads", "delete")) {
      cases.add(of("GET secret/k?" + sub, ONE_BUCKET_USER, "GET", "/hmine/secret/k?" + sub).expect(notThisMethod()));
    }
    for (String sub : List.of("tagging", "acl")) {
      cases.add(of("POST secret/k?" + sub, ONE_BUCKET_USER, "POST", "/hmine/secret/k?" + sub).body("<x/>").expect(notThisMethod()));
    }
    // A POST to an object without a sub-resource is 405 at AWS (an SDK that forgot ?uploads got
    // MethodNotAllowed: awslabs/aws-sdk-rust#127).
    cases.add(of("POST secret/k without a sub-resource", ONE_BUCKET_USER, "POST", "/hmine/secret/k").body("x")
        .expect(refused(405, "MethodNotAllowed")));
    // Bucket-only sub-resources on an object path.
    for (String method : List.of("GET", "PUT", "DELETE")) {
      for (String sub : List.of("versioning", "lifecycle", "website", "object-lock", "policy", "cors")) {
        HostileCase c = of(method + " secret/k?" + sub + " (a bucket sub-resource on an object)", ONE_BUCKET_USER, method,
            "/hmine/secret/k?" + sub);
        if (method.equals("PUT")) {
          c.body("{\"Version\":\"2012-10-17\"}");
        }
        cases.add(c.expect(notThisMethod()));
      }
    }
    // Object-only sub-resources and methods a bucket lacks: the (empty, deletable) bucket must stay.
    for (String sub : List.of("retention", "legal-hold", "torrent", "restore", "select", "attributes", "uploadId=1",
        "partNumber=1", "renameObject", "acl", "versioning", "object-lock", "policyStatus", "location")) {
      cases.add(of("DELETE hempty?" + sub, ONE_BUCKET_USER, "DELETE", "/hempty?" + sub).expect(notThisMethod()));
    }
    // DeleteBucketTagging, not DeleteBucket: the proxy owns bucket tags and deletes the (absent) set, the bucket kept.
    cases.add(of("DELETE hempty?tagging is DeleteBucketTagging", ONE_BUCKET_USER, "DELETE", "/hempty?tagging")
        .expect(ok(204)));

    // Two sub-resources at once: no operation defines both.
    cases.add(of("GET secret/k?retention&legal-hold", ONE_BUCKET_USER, "GET", "/hmine/secret/k?retention&legal-hold")
        .expect(refused(400, IA)));
    cases.add(of("PUT secret/k?tagging&acl", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?tagging&acl").body(Bodies.tagging())
        .expect(refused(400, IA)));
    cases.add(of("PUT secret/k?retention&legal-hold", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?retention&legal-hold")
        .body("<x/>").expect(refused(400, IA)));
    cases.add(of("POST secret/k?restore&select", ONE_BUCKET_USER, "POST", "/hmine/secret/k?restore&select").body("<x/>")
        .expect(refused(400, IA)));
    cases.add(of("DELETE hempty?cors&lifecycle", ONE_BUCKET_USER, "DELETE", "/hempty?cors&lifecycle").expect(refused(400, IA)));
    cases.add(of("DELETE hempty?tagging&website", ONE_BUCKET_USER, "DELETE", "/hempty?tagging&website").expect(refused(400, IA)));
    cases.add(of("GET hmine?versioning&policy", ONE_BUCKET_USER, "GET", "/hmine?versioning&policy").expect(refused(400, IA)));
    cases.add(of("PUT hmine?acl&policy", ONE_BUCKET_USER, "PUT", "/hmine?acl&policy").body("{}").expect(refused(400, IA)));
    cases.add(of("GET hmine?uploads&versions", ONE_BUCKET_USER, "GET", "/hmine?uploads&versions").expect(refused(400, IA)));

    // uploadId / partNumber: real multipart operations, each authorized as what it is.
    cases.add(of("UploadPart to secret/k (PutObject denied)", ONE_BUCKET_USER, "PUT", "/hmine/secret/k?partNumber=1&uploadId=nope")
        .body("part").expect(refused(403, AD)));
    cases.add(of("GET secret/k?partNumber=1 (GetObject denied)", ONE_BUCKET_USER, "GET", "/hmine/secret/k?partNumber=1")
        .expect(refused(403, AD)));
    cases.add(of("GET secret/k?partNumber=1&versionId=x (GetObjectVersion denied)", ONE_BUCKET_USER, "GET",
        "/hmine/secret/k?partNumber=1&versionId=x").expect(refused(403, AD)));
    cases.add(of("ListParts on secret/k is allowed and shows no bytes", ONE_BUCKET_USER, "GET", "/hmine/secret/k?uploadId=nope")
        .expect(ok(200).has("ListPartsResult")
            .or(404, "NoSuchUpload", "AWS answers NoSuchUpload; S3Proxy lists an empty part list for an unknown upload")));
    cases.add(of("read-only CompleteMultipartUpload", READ_ONLY_ROLE, "POST", "/hmine/secret/k?uploadId=nope")
        .body("<CompleteMultipartUpload/>").expect(refused(403, AD)));
    cases.add(of("read-only CreateMultipartUpload", READ_ONLY_ROLE, "POST", "/hmine/secret/k?uploads").expect(refused(403, AD)));
    cases.add(of("read-only AbortMultipartUpload", READ_ONLY_ROLE, "DELETE", "/hmine/public/a.txt?uploadId=nope")
        .expect(refused(403, AD)));
    cases.add(of("read-only UploadPart", READ_ONLY_ROLE, "PUT", "/hmine/public/a.txt?partNumber=1&uploadId=nope").body("part")
        .expect(refused(403, AD)));
    cases.add(of("UploadPartCopy from secret/k (GetObject on the source denied)", PREFIX_USER, "PUT",
        "/hmine/public/a.txt?partNumber=1&uploadId=nope").header("x-amz-copy-source", "/hmine/secret/k")
        .watch("hmine/secret/k").expect(refused(403, AD)));

    // RenameObject exists only for directory buckets (S3 Express); what a general-purpose bucket
    // answers is not documented. Any refusal will do; the source must stay and nothing be created.
    Expect noRename = refused(400, IA)
        .or(501, "NotImplemented", "RenameObject is a directory-bucket operation the proxy does not support")
        .or(403, AD, "a model that knows RenameObject authorizes it as a read and delete of the source, both denied");
    cases.add(of("PUT public/renamed?renameObject from secret/k", ONE_BUCKET_USER, "PUT", "/hmine/public/renamed?renameObject")
        .header("x-amz-rename-source", "/hmine/secret/k").watch("hmine/secret/k").expect(noRename));
    cases.add(of("anonymous PUT hpublic/p/new?renameObject from p/k", ANONYMOUS, "PUT", "/hpublic/p/new?renameObject")
        .header("x-amz-rename-source", "/hpublic/p/k").watch("hpublic/p/k")
        .expect(refused(400, IA).or(501, "NotImplemented", "as above").or(403, AD, "as above")));
    return cases.stream();
  }
}
