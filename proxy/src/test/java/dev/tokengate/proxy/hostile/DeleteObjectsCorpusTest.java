package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.Bodies.deleteRaw;
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
 * DeleteObjects bodies the proxy's parser and the backend's could read differently. The proxy
 * parses strictly (anything but {@code Delete/Object/Key|VersionId} and {@code Delete/Quiet} is
 * 400 MalformedXML), decides each key, and re-serializes what it parsed, so the backend can only
 * delete keys that were checked. The one-bucket user may delete in hmine except under {@code
 * secret/}; allowed keys in these bodies do not exist, so a correct answer changes nothing.
 */
@Timeout(120)
class DeleteObjectsCorpusTest {
  @RegisterExtension static final TokengateExtension PROXY = CorpusWorld.extension();
  static CorpusWorld world;

  @BeforeAll
  static void setUp() throws Exception {
    world = CorpusWorld.setUp(PROXY, DeleteObjectsCorpusTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileDeleteObjects(HostileCase c) throws Exception {
    world.run(c);
  }

  static final String MX = "MalformedXML";

  /** secret/k reported as AccessDenied in a 200 DeleteResult, and not deleted. */
  static Expect deniedEntry() {
    return ok(200).has("<Key>secret/k</Key><Code>AccessDenied</Code>");
  }

  /**
   * Well-formed XML whose meaning is plain (a comment, CDATA, a character reference, a prefix for
   * the S3 namespace): AWS's XML parser reads it, so the key is secret/k and is denied. A stricter
   * parser that refuses such constructs is just as safe.
   */
  static Expect plainMeaning() {
    return deniedEntry().or(400, MX, "refusing a well-formed but unusual document is as safe as reading it");
  }

  static HostileCase post(String name, String body) {
    return of(name, ONE_BUCKET_USER, "POST", "/hmine?delete").xml(body).watch("hmine/secret/k");
  }

  static Stream<HostileCase> cases() {
    List<HostileCase> cases = new ArrayList<>();
    cases.add(post("well-formed, secret/k only", Bodies.delete("secret/k")).expect(deniedEntry()));
    cases.add(post("well-formed, secret/k and an allowed absent key", Bodies.delete("secret/k", "public/zz"))
        .expect(deniedEntry().has("<Deleted><Key>public/zz</Key>")));
    cases.add(post("duplicated <Key>: allowed first", deleteRaw("<Object><Key>public/zz</Key><Key>secret/k</Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("duplicated <Key>: secret first", deleteRaw("<Object><Key>secret/k</Key><Key>public/zz</Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("attribute on <Key>", deleteRaw("<Object><Key a=\"b\">secret/k</Key></Object>")).expect(refused(400, MX)));
    cases.add(post("xmlns attribute on <Key>", deleteRaw("<Object><Key xmlns=\"urn:x\">secret/k</Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("Key= attribute on <Object> with an allowed <Key>",
        deleteRaw("<Object Key=\"secret/k\"><Key>public/zz</Key></Object>")).expect(refused(400, MX)));
    cases.add(post("Key= attribute on an empty <Object/>", deleteRaw("<Object Key=\"secret/k\"/>")).expect(refused(400, MX)));
    cases.add(post("child element after the key text", deleteRaw("<Object><Key>secret/k<x/></Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("key text inside a child element", deleteRaw("<Object><Key><x>secret/k</x></Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("child element splitting the key", deleteRaw("<Object><Key>secret/<b/>k</Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("unknown element in <Object>", deleteRaw("<Object><Key>public/zz</Key><Evil>secret/k</Evil></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("<Key> directly under <Delete>", deleteRaw("<Key>secret/k</Key><Object><Key>public/zz</Key></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("<Object> inside <Object>", deleteRaw("<Object><Key>public/zz</Key><Object><Key>secret/k</Key></Object></Object>"))
        .expect(refused(400, MX)));
    cases.add(post("attribute on <Delete>", "<Delete Key=\"secret/k\"><Object><Key>public/zz</Key></Object></Delete>")
        .expect(refused(400, MX)));
    cases.add(post("unknown root element", "<Evil><Object><Key>secret/k</Key></Object></Evil>").expect(refused(400, MX)));
    cases.add(post("two root elements", Bodies.delete("public/zz") + "<Delete><Object><Key>secret/k</Key></Object></Delete>")
        .expect(refused(400, MX)));
    cases.add(post("no <Object>", deleteRaw("")).expect(refused(400, MX)));
    cases.add(post("only <Quiet>", deleteRaw("<Quiet>true</Quiet>")).expect(refused(400, MX)));
    cases.add(post("two <VersionId> in one <Object>",
        deleteRaw("<Object><Key>secret/k</Key><VersionId>a</VersionId><VersionId>b</VersionId></Object>")).expect(refused(400, MX)));
    cases.add(post("not XML at all", "secret/k").expect(refused(400, MX)));
    cases.add(post("truncated document", Bodies.delete("secret/k").substring(0, 120)).expect(refused(400, MX)));
    // AWS answers an empty DeleteObjects body with MalformedXML (the model's rule); some S3
    // implementations say MissingRequestBodyError.
    cases.add(post("empty body", "").expect(refused(400, MX).or(400, "MissingRequestBodyError", "S3's name for an absent body")));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      many.append("<Object><Key>public/zz").append(i).append("</Key></Object>");
    }
    // AWS answers more than 1000 keys with MalformedXML (aws/aws-sdk-java#1293, aws/aws-sdk#602).
    cases.add(post("1001 objects, secret/k last", deleteRaw(many + "<Object><Key>secret/k</Key></Object>")).expect(refused(400, MX)));
    StringBuilder thousand = new StringBuilder();
    for (int i = 0; i < 999; i++) {
      thousand.append("<Object><Key>public/zz").append(i).append("</Key></Object>");
    }
    cases.add(post("exactly 1000 objects, secret/k last", deleteRaw(thousand + "<Object><Key>secret/k</Key></Object>"))
        .expect(deniedEntry()));
    cases.add(post("comment inside the key", deleteRaw("<Object><Key>secret/<!-- x -->k</Key></Object>")).expect(plainMeaning()));
    cases.add(post("processing instruction inside the key", deleteRaw("<Object><Key>secret/<?pi x?>k</Key></Object>"))
        .expect(plainMeaning()));
    cases.add(post("CDATA key", deleteRaw("<Object><Key><![CDATA[secret/k]]></Key></Object>")).expect(plainMeaning()));
    cases.add(post("CDATA around half the key", deleteRaw("<Object><Key>secret<![CDATA[/k]]></Key></Object>")).expect(plainMeaning()));
    cases.add(post("character reference in the key", deleteRaw("<Object><Key>&#115;ecret/k</Key></Object>")).expect(plainMeaning()));
    cases.add(post("hex character reference in the key", deleteRaw("<Object><Key>secret&#x2F;k</Key></Object>"))
        .expect(plainMeaning()));
    cases.add(post("predefined entity: key 'public/a&b' (allowed, absent)", Bodies.delete("public/a&amp;b"))
        .expect(ok(200).has("<Deleted><Key>public/a&amp;b</Key>")));
    // A DTD has no business in a DeleteObjects body; AWS does not document its answer. Refusing it
    // is the model's rule; a parser that expands the internal entity must still deny the key.
    cases.add(post("DTD with an internal entity naming secret/k",
        "<?xml version=\"1.0\"?><!DOCTYPE Delete [<!ENTITY s \"secret/k\">]><Delete><Object><Key>&s;</Key></Object></Delete>")
        .expect(refused(400, MX).or(200, null, "an expanded entity is the key secret/k, denied (checked by the watch)")
            .check("secret/k is not reported deleted", r -> !r.text().contains("<Deleted><Key>secret/k"))));
    cases.add(post("DTD with an external entity (XXE)",
        "<?xml version=\"1.0\"?><!DOCTYPE Delete [<!ENTITY x SYSTEM \"file:///etc/os-release\">]>"
            + "<Delete><Object><Key>&x;</Key></Object></Delete>").expect(refused(400, MX).lacks("PRETTY_NAME").lacks("ID=")));
    cases.add(post("S3 namespace with a prefix", "<s3:Delete xmlns:s3=\"" + Bodies.NS + "\"><s3:Object><s3:Key>secret/k"
        + "</s3:Key></s3:Object></s3:Delete>").expect(plainMeaning()));
    cases.add(post("a foreign-namespace <Key> next to the real one",
        deleteRaw("<Object><e:Key xmlns:e=\"urn:e\">secret/k</e:Key><Key>public/zz</Key></Object>")).expect(refused(400, MX)));
    cases.add(post("no namespace at all (as many clients send)", "<Delete><Object><Key>secret/k</Key></Object></Delete>")
        .expect(deniedEntry()));
    cases.add(post("a version of secret/k (DeleteObjectVersion denied)",
        deleteRaw("<Object><Key>secret/k</Key><VersionId>null</VersionId></Object>"))
        .expect(ok(200).has("<Key>secret/k</Key><VersionId>null</VersionId><Code>AccessDenied</Code>")));
    cases.add(post("key ' secret/k' (leading space) is another key: allowed, absent", deleteRaw("<Object><Key> secret/k</Key></Object>"))
        .expect(ok(200).has("<Deleted>")));
    cases.add(post("key 'secret/k' + newline is under secret/ (denied)", deleteRaw("<Object><Key>secret/k\n</Key></Object>"))
        .expect(ok(200).has("<Code>AccessDenied</Code>")));
    cases.add(post("Quiet mode still reports the denied key", deleteRaw("<Quiet>true</Quiet><Object><Key>secret/k</Key></Object>"))
        .expect(deniedEntry()));
    cases.add(of("wrong Content-MD5", ONE_BUCKET_USER, "POST", "/hmine?delete").body(Bodies.delete("secret/k"))
        .header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==").watch("hmine/secret/k")
        .expect(refused(400, "BadDigest").or(400, "InvalidDigest", "S3 names a malformed MD5 InvalidDigest")));
    // AWS documents Content-MD5 (or a checksum) as required on DeleteObjects (400 InvalidRequest).
    // The proxy re-serializes the body and signs its own hash, so it may accept the request and
    // decide per key instead; either way secret/k stays.
    cases.add(of("no Content-MD5", ONE_BUCKET_USER, "POST", "/hmine?delete").body(Bodies.delete("secret/k"))
        .watch("hmine/secret/k").expect(refused(400, "InvalidRequest").or(200, null, "decided per key (secret/k watched)")));
    cases.add(of("read-only: public/a.txt", READ_ONLY_ROLE, "POST", "/hmine?delete").xml(Bodies.delete("public/a.txt"))
        .watch("hmine/public/a.txt").expect(ok(200).has("<Key>public/a.txt</Key><Code>AccessDenied</Code>")));
    cases.add(of("read-only: duplicated <Key>", READ_ONLY_ROLE, "POST", "/hmine?delete")
        .xml(deleteRaw("<Object><Key>nothing</Key><Key>public/a.txt</Key></Object>")).watch("hmine/public/a.txt")
        .expect(refused(400, MX)));
    // Per-key decisions for a caller who may delete nothing at all: AWS reports each key; a proxy
    // that refuses the whole request is as safe.
    cases.add(of("anonymous on the public bucket", ANONYMOUS, "POST", "/hpublic?delete").xml(Bodies.delete("p/k", "p/j"))
        .watch("hpublic/p/k").watch("hpublic/p/j")
        .expect(ok(200).has("<Code>AccessDenied</Code>").lacks("<Deleted>")
            .or(403, "AccessDenied", "a caller allowed no delete at all may be refused whole")));
    cases.add(of("anonymous: attribute on <Key>", ANONYMOUS, "POST", "/hpublic?delete")
        .xml(deleteRaw("<Object><Key k=\"p/k\">p/k</Key></Object>")).watch("hpublic/p/k").expect(refused(400, MX)));
    cases.add(HostileCase.built("aws-chunked body with a duplicated <Key>", w -> {
      WireRequest r = w.request("POST", "/hmine?delete");
      byte[] xml = deleteRaw("<Object><Key>public/zz</Key><Key>secret/k</Key></Object>")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      r.header("Content-MD5", HostileSigner.md5Base64(xml));
      return HostileSigner.signedChunks(r, w.credentials(ONE_BUCKET_USER), xml, 40);
    }).watch("hmine/secret/k").expect(refused(400, MX)));
    return cases.stream();
  }
}
