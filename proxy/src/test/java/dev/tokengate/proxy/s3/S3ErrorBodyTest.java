package dev.tokengate.proxy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ErrorBodyTest {

  /** As S3Proxy answers a request signed with the wrong secret (shape of its real body). */
  static final String S3PROXY_SIGNATURE_MISMATCH = """
      <?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code>\
      <Message>The request signature we calculated does not match the signature you provided.</Message>\
      <AWSAccessKeyId>BACKENDKEY0000000001</AWSAccessKeyId>\
      <StringToSign>AWS4-HMAC-SHA256\n20250101T000000Z\n20250101/us-east-1/s3/aws4_request\nabc</StringToSign>\
      <CanonicalRequest>GET\n/b/k\n\nhost:127.0.0.1:39001\n</CanonicalRequest>\
      <RequestId>4442587FB7D0A2F9</RequestId><HostId>backend-host-id</HostId></Error>""";

  private static S3ErrorBody.Parsed parse(String xml) {
    return S3ErrorBody.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsOnlyCodeAndMessage() {
    S3ErrorBody.Parsed p = parse(S3PROXY_SIGNATURE_MISMATCH);
    assertEquals("SignatureDoesNotMatch", p.code());
    assertEquals("The request signature we calculated does not match the signature you provided.", p.message());
  }

  @Test
  void namespacedAndIndentedDocuments() {
    S3ErrorBody.Parsed p = parse("""
        <?xml version="1.0" encoding="UTF-8"?>
        <Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Code> NoSuchKey </Code>
          <Message>The specified key does not exist.</Message>
          <Key>a &amp; b</Key>
        </Error>
        """);
    assertEquals("NoSuchKey", p.code());
    assertEquals("The specified key does not exist.", p.message());
    assertEquals("a & b", parse("<Error><Code>X</Code><Message>a &amp; b</Message></Error>").message());
  }

  @Test
  void documentWithoutMessage() {
    S3ErrorBody.Parsed p = parse("<Error><Code>NoSuchBucket</Code></Error>");
    assertEquals("NoSuchBucket", p.code());
    assertNull(p.message());
  }

  @Test
  void notAnS3ErrorDocument() {
    assertNull(parse(""));
    assertNull(parse("<html><body>502 Bad Gateway</body></html>"));
    assertNull(parse("Service Unavailable"));
    assertNull(parse("{\"Code\":\"NoSuchKey\"}"));
    assertNull(parse("<Error><Message>no code</Message></Error>"));
    assertNull(parse("<Error><Code></Code></Error>"));
    assertNull(parse("<Error><Code><b>x</b></Code></Error>"), "a Code with markup inside is not a code");
  }

  @Test
  void aBodyCutShortKeepsWhatWasComplete() {
    S3ErrorBody.Parsed p = parse("<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the max");
    assertEquals("EntityTooLarge", p.code());
    assertNull(p.message());
  }

  @Test
  void noDtdNoEntitiesNoExternalFiles(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY x SYSTEM \"" + secret.toUri()
        + "\">]><Error><Code>NoSuchKey</Code><Message>&x;</Message></Error>";
    S3ErrorBody.Parsed p = parse(xxe);
    assertTrue(p == null || (p.message() == null || !p.message().contains("TOP-SECRET")), String.valueOf(p));
    assertNull(p, "a document with a DTD is not read at all");
    String laughs = "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
        + "<Error><Code>X</Code><Message>&b;</Message></Error>";
    assertNull(parse(laughs));
    // An undeclared entity is an error at that point: the Message is lost, the Code before it kept.
    assertEquals(new S3ErrorBody.Parsed("X", null), parse("<Error><Code>X</Code><Message>&undeclared;</Message></Error>"));
  }

  @Test
  void renderedDocumentCarriesOnlyWhatItIsGiven() {
    S3Exception e = S3Exception.relayed(new RelayedError("NoSuchKey", 404), "The specified key does not exist.");
    String xml = new String(S3ErrorBody.render(e, "/b/k", "REQ1", "tokengate"), StandardCharsets.UTF_8);
    assertEquals("<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code>"
        + "<Message>The specified key does not exist.</Message><Resource>/b/k</Resource>"
        + "<RequestId>REQ1</RequestId><HostId>tokengate</HostId></Error>", xml);
  }

  @Test
  void renderingReplacesCharactersXmlCannotCarry() {
    S3Exception e = new S3Exception(S3Error.INVALID_BUCKET_NAME, "bad \u0000 name", Map.of("BucketName", "a\u0001b\ud800"));
    String xml = new String(S3ErrorBody.render(e, "/a\u0000b/k\u00e9\ud83d\ude00", "R", "H"), StandardCharsets.UTF_8);
    assertFalse(xml.contains("\u0000") || xml.contains("\u0001"), xml);
    assertTrue(xml.contains("<BucketName>a\ufffdb\ufffd</BucketName>"), xml);
    assertTrue(xml.contains("<Resource>/a\ufffdb/k\u00e9\ud83d\ude00</Resource>"), xml);
    assertEquals("InvalidBucketName", parse(xml).code(), "what the proxy renders, it can read back");
  }
}
