package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Boto3Script;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.SamlIdp;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * AssumeRoleWithSAML end to end: a provider registered with the AWS CLI v2 from the test IdP's
 * metadata, a role trusting it, the CLI's assume-role-with-saml, and the session's S3 access; then
 * every refusal with AWS's code and status, over unsigned HTTP as the SDKs send the call.
 */
@Timeout(300)
class AssumeRoleWithSamlCliTest {
  private static final SamlIdp IDP = SamlIdp.create("https://idp.corp.tokengate.test/saml");

  @RegisterExtension static final TokengateExtension PROXY = TokengateExtension.defaults();
  @TempDir static Path work;

  private static String account;
  private static String provider;
  private static String readOnly;
  private static String other;
  private static String tagged;
  private static AwsCli admin;

  private static String trust(String extraActions, String condition) {
    return """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"%s"},
          "Action":["sts:AssumeRoleWithSAML"%s]%s}]}""".formatted(provider, extraActions, condition);
  }

  private static void role(String name, String trust) throws Exception {
    Files.writeString(work.resolve(name + "-trust.json"), trust);
    admin.ok("iam", "create-role", "--role-name", name, "--assume-role-policy-document",
        "file://" + work.resolve(name + "-trust.json"));
    Files.writeString(work.resolve("read.json"), """
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket-b"},
          {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-b/*"}]}""");
    admin.ok("iam", "put-role-policy", "--role-name", name, "--policy-name", "read", "--policy-document",
        "file://" + work.resolve("read.json"));
  }

  @BeforeAll
  static void setUp() throws Exception {
    admin = new AwsCli(PROXY.endpoint(), work, PROXY.admin());
    account = admin.ok("sts", "get-caller-identity").get("Account").asText();
    Files.writeString(work.resolve("meta.xml"), IDP.metadata());
    provider = admin.ok("iam", "create-saml-provider", "--name", "CorpIdP", "--saml-metadata-document",
        "file://" + work.resolve("meta.xml")).get("SAMLProviderArn").asText();
    assertEquals("arn:aws:iam::" + account + ":saml-provider/CorpIdP", provider);
    role("S3ReadOnly", trust("", ",\"Condition\":{\"StringEquals\":{\"SAML:aud\":\"" + SamlIdp.SIGN_IN + "\","
        + "\"saml:iss\":\"" + IDP.entityId() + "\",\"saml:doc\":\"" + account + "/CorpIdP\","
        + "\"aws:FederatedProvider\":\"" + provider + "\"}}"));
    role("Other", trust("", ""));
    role("Tagged", trust(",\"sts:TagSession\",\"sts:SetSourceIdentity\"",
        ",\"Condition\":{\"StringEquals\":{\"aws:RequestTag/team\":\"data\",\"saml:sub_type\":\"persistent\"}}"));
    readOnly = "arn:aws:iam::" + account + ":role/S3ReadOnly";
    other = "arn:aws:iam::" + account + ":role/Other";
    tagged = "arn:aws:iam::" + account + ":role/Tagged";
    admin.ok("s3api", "create-bucket", "--bucket", "bucket-b");
    Path file = work.resolve("file.txt");
    Files.writeString(file, "hello\n");
    admin.ok("s3api", "put-object", "--bucket", "bucket-b", "--key", "path/file.txt", "--body", file.toString());
  }

  private static SamlIdp.Response alice() {
    return IDP.response(PROXY.clock(), "alice@corp.example").roles(readOnly + "," + provider).sessionName("alice");
  }

  private static StsClient.Response call(String roleArn, String base64) throws Exception {
    return call(roleArn, base64, Map.of());
  }

  private static StsClient.Response call(String roleArn, String base64, Map<String, String> more) throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("RoleArn", roleArn);
    params.put("PrincipalArn", provider);
    params.put("SAMLAssertion", base64);
    params.putAll(more);
    return PROXY.sts().unsigned("AssumeRoleWithSAML", params);
  }

  private static void refused(StsClient.Response r, int status, String code) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.errorCode(), r.body());
  }

  @Test
  void theCliAssumesTheRoleAndTheSessionReadsButCannotWrite() throws Exception {
    Path assertion = work.resolve("assertion.b64");
    Files.writeString(assertion, alice().base64());
    JsonNode out = admin.ok("sts", "assume-role-with-saml", "--role-arn", readOnly, "--principal-arn", provider,
        "--saml-assertion", "file://" + assertion);
    assertEquals("arn:aws:sts::" + account + ":assumed-role/S3ReadOnly/alice", out.at("/AssumedRoleUser/Arn").asText());
    assertTrue(out.at("/AssumedRoleUser/AssumedRoleId").asText().endsWith(":alice"), out.toString());
    assertEquals("alice@corp.example", out.get("Subject").asText());
    assertEquals("persistent", out.get("SubjectType").asText());
    assertEquals(IDP.entityId(), out.get("Issuer").asText());
    assertEquals(SamlIdp.SIGN_IN, out.get("Audience").asText());
    byte[] sha1 = MessageDigest.getInstance("SHA-1")
        .digest((IDP.entityId() + account + "/CorpIdP").getBytes(StandardCharsets.UTF_8));
    assertEquals(Base64.getEncoder().encodeToString(sha1), out.get("NameQualifier").asText());
    assertEquals(0, out.get("PackedPolicySize").asInt());
    Instant expires = Instant.parse(out.at("/Credentials/Expiration").asText());
    assertTrue(Math.abs(Duration.between(PROXY.clock().instant().plusSeconds(3600), expires).getSeconds()) < 60,
        "the default hour: " + expires);

    AwsCli session = admin.as(new Credentials(out.at("/Credentials/AccessKeyId").asText(),
        out.at("/Credentials/SecretAccessKey").asText(), out.at("/Credentials/SessionToken").asText()));
    assertEquals("arn:aws:sts::" + account + ":assumed-role/S3ReadOnly/alice",
        session.ok("sts", "get-caller-identity").get("Arn").asText());
    var listed = session.run("s3", "ls", "s3://bucket-b/path/");
    assertEquals(0, listed.exitCode(), listed.all());
    assertTrue(listed.stdout().contains("file.txt"), listed.all());
    session.fails("AccessDenied", "s3", "cp", work.resolve("file.txt").toString(), "s3://bucket-b/path/new.txt");
  }

  @Test
  void boto3AssumesTheRoleUnsignedAndTheSessionReadsButCannotWrite() throws Exception {
    String good = alice().base64();
    String xml = alice().signedXml();
    String tampered = SamlIdp.base64(xml.replace(">alice</saml:AttributeValue>", ">admin</saml:AttributeValue>"));
    Boto3Script.Run run = Boto3Script.run(work, PROXY.endpoint(), """
        role, principal, good, tampered = sys.argv[2:6]
        sts = client('sts')
        r = sts.assume_role_with_saml(RoleArn=role, PrincipalArn=principal, SAMLAssertion=good)
        out('assumed', arn=r['AssumedRoleUser']['Arn'], subject=r['Subject'], issuer=r['Issuer'])
        s3 = client('s3', creds_of(r['Credentials']))
        keys = [o['Key'] for o in s3.list_objects_v2(Bucket='bucket-b', Prefix='path/').get('Contents', [])]
        out('listed', keys=keys)
        out('put', **attempt(lambda: s3.put_object(Bucket='bucket-b', Key='path/boto3.txt', Body=b'x')))
        out('tampered', **attempt(lambda: sts.assume_role_with_saml(RoleArn=role, PrincipalArn=principal,
            SAMLAssertion=tampered)))
        """, readOnly, provider, good, tampered);
    assertEquals("arn:aws:sts::" + account + ":assumed-role/S3ReadOnly/alice", run.step("assumed").get("arn").asText());
    assertEquals("alice@corp.example", run.step("assumed").get("subject").asText());
    assertEquals("path/file.txt", run.step("listed").at("/keys/0").asText(), run.transcript());
    assertEquals("AccessDenied", run.step("put").get("code").asText(), run.transcript());
    assertEquals(403, run.step("put").get("status").asInt());
    assertEquals("InvalidIdentityToken", run.step("tampered").get("code").asText(), run.transcript());
    assertEquals(400, run.step("tampered").get("status").asInt());
  }

  @Test
  void theCliReportsAwsErrorCodes() throws Exception {
    Path expired = work.resolve("expired.b64");
    Instant now = PROXY.clock().instant();
    Files.writeString(expired, alice().validity(now.minusSeconds(1800), now.minusSeconds(900)).base64());
    admin.fails("ExpiredTokenException", "sts", "assume-role-with-saml", "--role-arn", readOnly, "--principal-arn",
        provider, "--saml-assertion", "file://" + expired);
    Path unsigned = work.resolve("unsigned.b64");
    Files.writeString(unsigned, alice().sign(false, false).base64());
    admin.fails("InvalidIdentityToken", "sts", "assume-role-with-saml", "--role-arn", readOnly, "--principal-arn",
        provider, "--saml-assertion", "file://" + unsigned);
  }

  @Test
  void aTamperedAssertionIsRefused() throws Exception {
    String xml = alice().signedXml();
    String tampered = xml.replace(">alice</saml:AttributeValue>", ">admin</saml:AttributeValue>");
    assertFalse(tampered.equals(xml));
    StsClient.Response r = call(readOnly, SamlIdp.base64(tampered));
    refused(r, 400, "InvalidIdentityToken");
    assertEquals("Response signature invalid", r.errorMessage());
  }

  @Test
  void aWrappedSignatureIsRefused() throws Exception {
    Document doc = alice().document();
    Element response = doc.getDocumentElement();
    Element signed = (Element) doc.getElementsByTagNameNS(SamlIdp.ASSERTION, "Assertion").item(0);
    Element forged = (Element) signed.cloneNode(true);
    forged.setAttribute("ID", "_forged");
    Element extensions = doc.createElementNS(SamlIdp.PROTOCOL, "samlp:Extensions");
    response.replaceChild(forged, signed);
    extensions.appendChild(signed);
    response.insertBefore(extensions, response.getFirstChild().getNextSibling());
    refused(call(readOnly, SamlIdp.base64(SamlIdp.serialize(doc))), 400, "InvalidIdentityToken");
  }

  @Test
  void anExpiredAssertionIsRefused() throws Exception {
    Instant now = PROXY.clock().instant();
    refused(call(readOnly, alice().validity(now.minusSeconds(1800), now.minusSeconds(900)).base64()), 400,
        "ExpiredTokenException");
    refused(call(readOnly, alice().sessionNotOnOrAfter(now.minusSeconds(60)).base64()), 400, "ExpiredTokenException");
  }

  @Test
  void aWrongAudienceOrRecipientIsRefused() throws Exception {
    refused(call(readOnly, alice().audience("https://sp.other.test/saml").base64()), 400, "InvalidIdentityToken");
    refused(call(readOnly, alice().recipient("https://sp.other.test/acs").base64()), 400, "InvalidIdentityToken");
    refused(call(readOnly, alice().destination("https://sp.other.test/acs").base64()), 400, "InvalidIdentityToken");
  }

  @Test
  void aRoleTheAssertionDoesNotPairWithTheProviderIsRefused() throws Exception {
    StsClient.Response r = call(other, alice().base64());
    refused(r, 403, "AccessDenied");
    assertEquals("Not authorized to perform sts:AssumeRoleWithSAML", r.errorMessage());
    // Paired with another provider is not paired with this one.
    refused(call(readOnly, alice().roles(readOnly + ",arn:aws:iam::" + account + ":saml-provider/Elsewhere").base64()),
        403, "AccessDenied");
    // The pair in the other order is the same pair.
    assertEquals(200, call(readOnly, alice().roles(provider + "," + readOnly).base64()).status());
  }

  @Test
  void anUnsignedAssertionOrAForeignKeyIsRefused() throws Exception {
    refused(call(readOnly, alice().sign(false, false).base64()), 400, "InvalidIdentityToken");
    refused(call(readOnly, alice().signedBy(IDP.withOtherKey()).base64()), 400, "InvalidIdentityToken");
    refused(call(readOnly, alice().signedBy(IDP.withOtherKey()).sign(true, true).base64()), 400,
        "InvalidIdentityToken");
  }

  @Test
  void aDtdIsRefusedAndTheFileIsNotRead() throws Exception {
    Path secret = work.resolve("secret.txt");
    Files.writeString(secret, "TOPSECRET-SAML");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
        + alice().signedXml().replace(">alice</saml:AttributeValue>", ">&x;</saml:AttributeValue>");
    StsClient.Response r = call(readOnly, SamlIdp.base64(xxe));
    refused(r, 400, "InvalidIdentityToken");
    assertFalse(r.body().contains("TOPSECRET"), r.body());
  }

  @Test
  void theIdpReportingAFailureIsIdpRejectedClaim() throws Exception {
    refused(call(readOnly, alice().status("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed").base64()), 403,
        "IDPRejectedClaim");
  }

  @Test
  void anUnknownProviderOrAMissingSessionNameIsInvalidIdentityToken() throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("RoleArn", readOnly);
    params.put("PrincipalArn", "arn:aws:iam::" + account + ":saml-provider/Nobody");
    params.put("SAMLAssertion", alice().base64());
    refused(PROXY.sts().unsigned("AssumeRoleWithSAML", params), 400, "InvalidIdentityToken");
    StsClient.Response r = call(readOnly, alice().without(SamlIdp.ATTR + "RoleSessionName").base64());
    refused(r, 400, "InvalidIdentityToken");
    assertEquals("RoleSessionName is required in AuthnResponse", r.errorMessage());
  }

  @Test
  void parametersAreValidatedAsAws() throws Exception {
    refused(call(readOnly, alice().base64(), Map.of("DurationSeconds", "899")), 400, "ValidationError");
    refused(call(readOnly, alice().base64(), Map.of("DurationSeconds", "7200")), 400, "ValidationError");
    StsClient.Response shortAssertion = call(readOnly, "abc");
    refused(shortAssertion, 400, "ValidationError");
    assertFalse(shortAssertion.errorMessage().contains("'abc'"), "an assertion is never quoted back");
    refused(PROXY.sts().unsigned("AssumeRoleWithSAML", Map.of("RoleArn", readOnly)), 400, "ValidationError");
  }

  @Test
  void theSessionLastsNoLongerThanTheAssertionAllows() throws Exception {
    Instant now = PROXY.clock().instant();
    StsClient.Response r = call(readOnly, alice().attribute(SamlIdp.ATTR + "SessionDuration", "1000").base64(),
        Map.of("DurationSeconds", "3000"));
    assertEquals(200, r.status(), r.body());
    Instant expires = Instant.parse(r.xml().at("/AssumeRoleWithSAMLResult/Credentials/Expiration").asText());
    assertTrue(Math.abs(Duration.between(now.plusSeconds(1000), expires).getSeconds()) < 30, expires.toString());
    r = call(readOnly, alice().sessionNotOnOrAfter(now.plusSeconds(1200)).base64());
    assertEquals(200, r.status(), r.body());
    expires = Instant.parse(r.xml().at("/AssumeRoleWithSAMLResult/Credentials/Expiration").asText());
    assertTrue(Math.abs(Duration.between(now.plusSeconds(1200), expires).getSeconds()) < 30, expires.toString());
  }

  @Test
  void principalTagsNeedTagSessionAndMeetTheTrustConditions() throws Exception {
    String tag = SamlIdp.ATTR + "PrincipalTag:team";
    SamlIdp.Response bob = IDP.response(PROXY.clock(), "bob").sessionName("bob")
        .roles(tagged + "," + provider, readOnly + "," + provider);
    assertEquals(200, call(tagged, bob.attribute(tag, "data").base64()).status());
    refused(call(tagged, bob.attribute(tag, "web").base64()), 403, "AccessDenied");
    refused(call(tagged, bob.attribute(tag, "data").nameIdFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
        .base64()), 403, "AccessDenied");
    // S3ReadOnly's trust does not allow sts:TagSession.
    refused(call(readOnly, bob.nameIdFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        .attribute(tag, "data").base64()), 403, "AccessDenied");
    assertEquals(200, call(readOnly, bob.without(tag).base64()).status());
  }

  @Test
  void aSourceIdentityNeedsSetSourceIdentityAndIsAnswered() throws Exception {
    SamlIdp.Response carol = IDP.response(PROXY.clock(), "carol").sessionName("carol")
        .roles(tagged + "," + provider, readOnly + "," + provider)
        .attribute(SamlIdp.ATTR + "PrincipalTag:team", "data").attribute(SamlIdp.ATTR + "SourceIdentity", "carol-src");
    StsClient.Response r = call(tagged, carol.base64());
    assertEquals(200, r.status(), r.body());
    assertEquals("carol-src", r.xml().at("/AssumeRoleWithSAMLResult/SourceIdentity").asText());
    refused(call(readOnly, carol.without(SamlIdp.ATTR + "PrincipalTag:team").base64()), 403, "AccessDenied");
    refused(call(tagged, carol.attribute(SamlIdp.ATTR + "SourceIdentity", "aws:x").base64()), 400,
        "InvalidIdentityToken");
  }
}
