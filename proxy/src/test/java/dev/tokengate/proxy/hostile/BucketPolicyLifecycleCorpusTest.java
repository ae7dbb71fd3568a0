package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Expect.refused;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ANONYMOUS;
import static dev.tokengate.proxy.hostile.HostileCase.Who.ONE_BUCKET_USER;
import static dev.tokengate.proxy.hostile.HostileCase.of;
import static dev.tokengate.proxy.hostile.HostileCase.scenario;

import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bucket policy lives and dies with its bucket: a bucket deleted and created again has no
 * policy; a policy cannot be put on (or read from, or deleted from) a bucket that does not exist;
 * an invalid bucket name is refused; a failed DeleteBucket keeps the policy; and no one but a
 * caller allowed to may change one. Each scenario runs on a bucket of its own, removed afterwards.
 */
@Timeout(120)
class BucketPolicyLifecycleCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, BucketPolicyLifecycleCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileBucketPolicyLifecycle(HostileCase c) throws Exception {
    world.run(c);
  }

  static String publicPolicy(String bucket) {
    return CorpusWorld.PUBLIC_POLICY.replace("hpublic", bucket);
  }

  static void expect(int status, HttpResponse<String> r, String step) {
    if (r.statusCode() != status) {
      throw new AssertionError(step + ": expected " + status + ", got " + r.statusCode() + " " + r.body());
    }
  }

  /** Creates {@code bucket} with one object and a public-read policy, checks anonymous reads it, deletes it all. */
  static void publicBucketDeleted(CorpusWorld w, String bucket) throws Exception {
    RawS3Client admin = w.proxy().adminClient();
    expect(200, admin.put("/" + bucket, ""), "create " + bucket);
    expect(200, admin.put("/" + bucket + "/k", "old bucket's object"), "put object");
    expect(204, admin.put("/" + bucket + "?policy", publicPolicy(bucket)), "put public policy");
    WireResponse anonymous = w.send(w.request("GET", "/" + bucket + "/k"));
    if (anonymous.status() != 200) {
      throw new AssertionError("the public policy should let anonymous read: " + anonymous.describe());
    }
    expect(204, admin.delete("/" + bucket + "/k"), "delete object");
    expect(204, admin.delete("/" + bucket), "delete bucket");
  }

  static Stream<HostileCase> cases() {
    List<HostileCase> cases = new ArrayList<>();
    cases.add(scenario("DeleteBucket + CreateBucket: anonymous no longer reads", w -> {
      publicBucketDeleted(w, "hlife1");
      RawS3Client admin = w.proxy().adminClient();
      expect(200, admin.put("/hlife1", ""), "create again");
      expect(200, admin.put("/hlife1/k", "new bucket's private object"), "put object");
      return w.send(w.request("GET", "/hlife1/k"));
    }).expect(refused(403, "AccessDenied").scratch("hlife1").lacks("private object")));
    cases.add(scenario("DeleteBucket + CreateBucket: GetBucketPolicy finds none", w -> {
      publicBucketDeleted(w, "hlife2");
      expect(200, w.proxy().adminClient().put("/hlife2", ""), "create again");
      return w.send(HostileSigner.v4(w.request("GET", "/hlife2?policy"), w.proxy().admin()));
    }).expect(refused(404, "NoSuchBucketPolicy").scratch("hlife2")));
    cases.add(scenario("DeleteBucket: GetBucketPolicy on the deleted bucket is NoSuchBucket", w -> {
      publicBucketDeleted(w, "hlife3");
      return w.send(HostileSigner.v4(w.request("GET", "/hlife3?policy"), w.proxy().admin()));
    }).expect(refused(404, "NoSuchBucket").scratch("hlife3")));
    cases.add(scenario("DeleteBucket + CreateBucket: anonymous cannot list the new bucket", w -> {
      publicBucketDeleted(w, "hlife4");
      expect(200, w.proxy().adminClient().put("/hlife4", ""), "create again");
      return w.send(w.request("GET", "/hlife4?list-type=2"));
    }).expect(refused(403, "AccessDenied").scratch("hlife4")));
    cases.add(of("PutBucketPolicy on a bucket that does not exist", HostileCase.Who.ADMIN, "PUT", "/hmissing?policy")
        .body(publicPolicy("hmissing")).expect(refused(404, "NoSuchBucket").reachesBackend()));
    cases.add(scenario("PutBucketPolicy on a missing bucket, then CreateBucket: no policy applies", w -> {
      w.send(HostileSigner.v4(w.request("PUT", "/hlater?policy").body(publicPolicy("hlater")), w.proxy().admin()));
      RawS3Client admin = w.proxy().adminClient();
      expect(200, admin.put("/hlater", ""), "create");
      expect(200, admin.put("/hlater/k", "private"), "put object");
      return w.send(w.request("GET", "/hlater/k"));
    }).expect(refused(403, "AccessDenied").scratch("hlater").lacks("private")));
    cases.add(of("GetBucketPolicy on a bucket that does not exist", HostileCase.Who.ADMIN, "GET", "/hmissing?policy")
        .expect(refused(404, "NoSuchBucket").reachesBackend()));
    cases.add(of("DeleteBucketPolicy on a bucket that does not exist", HostileCase.Who.ADMIN, "DELETE", "/hmissing?policy")
        .expect(refused(404, "NoSuchBucket").reachesBackend()));
    cases.add(of("PutBucketPolicy on an invalid bucket name", HostileCase.Who.ADMIN, "PUT", "/Bad_Bucket?policy")
        .body(publicPolicy("Bad_Bucket")).expect(refused(400, "InvalidBucketName")
            .or(404, "NoSuchBucket", "a legacy us-east-1 name addresses a bucket, which does not exist").reachesBackend()));
    cases.add(of("PutBucketPolicy on a name no bucket can have", HostileCase.Who.ADMIN, "PUT", "/bad!bucket?policy")
        .body(publicPolicy("bad!bucket")).expect(refused(400, "InvalidBucketName")));
    cases.add(of("DeleteBucket of a non-empty bucket fails and keeps its policy", HostileCase.Who.ADMIN, "DELETE", "/hpublic")
        .watch("hpublic/p/k").expect(refused(409, "BucketNotEmpty").reachesBackend()));
    cases.add(of("one-bucket user PutBucketPolicy on its own bucket (denied)", ONE_BUCKET_USER, "PUT", "/hmine?policy")
        .body(publicPolicy("hmine")).expect(refused(403, "AccessDenied")));
    cases.add(of("one-bucket user DeleteBucketPolicy on the public bucket (denied)", ONE_BUCKET_USER, "DELETE", "/hpublic?policy")
        .expect(refused(403, "AccessDenied")));
    cases.add(of("anonymous PutBucketPolicy on the public bucket (denied)", ANONYMOUS, "PUT", "/hpublic?policy")
        .body(publicPolicy("hpublic").replace("s3:GetObject", "s3:*")).expect(refused(403, "AccessDenied")));
    cases.add(of("anonymous DeleteBucketPolicy (denied)", ANONYMOUS, "DELETE", "/hpublic?policy").expect(refused(403, "AccessDenied")));
    cases.add(of("one-bucket user PUT hmine?x;policy (PutBucketPolicy hidden from the classifier)", ONE_BUCKET_USER, "PUT", "/hmine?x;policy")
        .body(publicPolicy("hmine")).expect(refused(400, "InvalidArgument")));
    return cases.stream();
  }
}
