package dev.tokengate.proxy.sts.saml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.harness.SamlIdp;
import dev.tokengate.proxy.sts.saml.SamlRejection.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The SAML checks on their own: what a valid response yields, and every way a bad one is refused. */
@Timeout(120)
class SamlResponseVerifierTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final SamlIdp IDP = SamlIdp.create("https://idp.tokengate.test/saml");
  private static final String ROLE = "arn:aws:iam::123456789012:role/S3ReadOnly,"
      + "arn:aws:iam::123456789012:saml-provider/CorpIdP";

  private final SamlResponseVerifier verifier = new SamlResponseVerifier(CLOCK);

  private static SamlIdp.Response response() {
    return IDP.response(CLOCK, "alice@corp.example").roles(ROLE).sessionName("alice");
  }

  private VerifiedAssertion verify(String base64) throws SamlRejection {
    return verifier.verify(base64, IDP.entityId(), List.of(IDP.certificate()));
  }

  private Reason refusal(String base64) {
    return assertThrows(SamlRejection.class, () -> verify(base64)).reason();
  }

  @Test
  void aSignedAssertionYieldsItsSubjectAndAttributes() throws Exception {
    VerifiedAssertion a = verify(response().attribute(SamlIdp.ATTR + "PrincipalTag:team", "data").base64());
    assertEquals("alice@corp.example", a.nameId());
    assertEquals("persistent", a.subjectType());
    assertEquals(IDP.entityId(), a.issuer());
    assertEquals(SamlIdp.SIGN_IN, a.recipient());
    assertEquals(List.of(ROLE), a.attribute(SamlIdp.ATTR + "Role"));
    assertEquals(List.of("data"), a.attribute(SamlIdp.ATTR + "PrincipalTag:team"));
  }

  @Test
  void aSignedResponseOrBothSignedAreAccepted() throws Exception {
    assertEquals("alice", verify(response().sign(true, false).base64()).attribute(SamlIdp.ATTR + "RoleSessionName")
        .get(0));
    assertEquals("alice", verify(response().sign(true, true).base64()).attribute(SamlIdp.ATTR + "RoleSessionName")
        .get(0));
  }

  @Test
  void anAttributeChangedAfterSigningIsRefused() {
    String xml = response().signedXml();
    String tampered = xml.replace(">alice</saml:AttributeValue>", ">admin</saml:AttributeValue>");
    assertFalse(tampered.equals(xml));
    assertEquals(Reason.BAD_SIGNATURE, refusal(SamlIdp.base64(tampered)));
    String signedResponse = response().sign(true, false).signedXml();
    assertEquals(Reason.BAD_SIGNATURE, refusal(SamlIdp.base64(
        signedResponse.replace(">alice</saml:AttributeValue>", ">admin</saml:AttributeValue>"))));
  }

  @Test
  void aWrappedSignatureIsRefused() {
    // The validly signed assertion is moved into the Response's Extensions and a forged one (with
    // the original signature copied in) takes its place.
    Document doc = response().document();
    Element response = doc.getDocumentElement();
    Element signed = (Element) doc.getElementsByTagNameNS(SamlIdp.ASSERTION, "Assertion").item(0);
    Element forged = (Element) signed.cloneNode(true);
    forged.setAttribute("ID", "_forged");
    replaceText(forged, "alice", "admin");
    Element extensions = doc.createElementNS(SamlIdp.PROTOCOL, "samlp:Extensions");
    response.replaceChild(forged, signed);
    extensions.appendChild(signed);
    response.insertBefore(extensions, response.getFirstChild().getNextSibling());
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64(SamlIdp.serialize(doc))));

    // The same with the forged assertion given the signed one's ID.
    forged.setAttribute("ID", signed.getAttribute("ID"));
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64(SamlIdp.serialize(doc))));
  }

  @Test
  void aSignatureOverAnotherElementIsRefused() {
    // The IdP signed the Response; its signature is moved into a forged, otherwise unsigned assertion.
    Document doc = response().sign(true, false).document();
    Element response = doc.getDocumentElement();
    Element signature = (Element) response.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature")
        .item(0);
    Element assertion = (Element) doc.getElementsByTagNameNS(SamlIdp.ASSERTION, "Assertion").item(0);
    response.removeChild(signature);
    assertion.insertBefore(signature, assertion.getFirstChild().getNextSibling());
    replaceText(assertion, "alice", "admin");
    assertEquals(Reason.BAD_SIGNATURE, refusal(SamlIdp.base64(SamlIdp.serialize(doc))));
  }

  @Test
  void onlyEnvelopedSignaturesWithExclusiveC14nAreAccepted() throws Exception {
    String exclusive = CanonicalizationMethod.EXCLUSIVE;
    String inclusive = CanonicalizationMethod.INCLUSIVE;
    verify(response().algorithms(exclusive, Transform.ENVELOPED, exclusive).base64());
    verify(response().algorithms(exclusive, Transform.ENVELOPED).base64());
    // Cryptographically valid signatures, of a shape tokengate does not accept.
    assertEquals(Reason.BAD_SIGNATURE, refusal(response().algorithms(inclusive, Transform.ENVELOPED, exclusive).base64()));
    assertEquals(Reason.BAD_SIGNATURE, refusal(response().algorithms(exclusive, Transform.ENVELOPED, inclusive).base64()));
    assertEquals(Reason.BAD_SIGNATURE, refusal(response()
        .algorithms(exclusive, Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE_WITH_COMMENTS).base64()));
  }

  @Test
  void anUnsignedResponseIsRefused() {
    assertEquals(Reason.BAD_SIGNATURE, refusal(response().sign(false, false).base64()));
  }

  @Test
  void aSignatureByAKeyNotInTheMetadataIsRefused() {
    // Its KeyInfo carries the forger's certificate: that must not matter.
    SamlIdp forger = IDP.withOtherKey();
    assertEquals(Reason.BAD_SIGNATURE, refusal(response().signedBy(forger).base64()));
    assertEquals(Reason.BAD_SIGNATURE, refusal(response().signedBy(forger).sign(true, false).base64()));
  }

  @Test
  void expiredAndEarlyAssertionsAreRefusedWithFiveMinutesOfSkew() throws Exception {
    assertEquals(Reason.EXPIRED, refusal(response().validity(NOW.minusSeconds(1200), NOW.minusSeconds(600)).base64()));
    assertEquals(Reason.EXPIRED, refusal(response().sessionNotOnOrAfter(NOW.minusSeconds(1)).base64()));
    assertEquals(Reason.NOT_YET_VALID, refusal(response().validity(NOW.plusSeconds(600), NOW.plusSeconds(900)).base64()));
    verify(response().validity(NOW.minusSeconds(600), NOW.minusSeconds(120)).base64());
    verify(response().validity(NOW.plusSeconds(120), NOW.plusSeconds(600)).base64());
  }

  @Test
  void theAudienceMustBeAws() throws Exception {
    assertEquals(Reason.WRONG_AUDIENCE, refusal(response().audience("https://other.example/sp").base64()));
    verify(response().audience("urn:amazon:webservices").base64());
  }

  @Test
  void theRecipientAndDestinationMustBeTheSignInEndpoint() {
    assertEquals(Reason.WRONG_RECIPIENT, refusal(response().recipient("https://other.example/acs").base64()));
    assertEquals(Reason.WRONG_RECIPIENT, refusal(response().destination("https://other.example/acs").base64()));
  }

  @Test
  void theIssuerMustBeTheProvidersEntityId() {
    assertEquals(Reason.WRONG_ISSUER, refusal(response().issuer("https://evil.example/saml").base64()));
  }

  @Test
  void aFailedStatusIsTheIdpRejectingTheUser() {
    assertEquals(Reason.NOT_AUTHENTICATED,
        refusal(response().status("urn:oasis:names:tc:SAML:2.0:status:Responder").base64()));
  }

  @Test
  void aDoctypeIsRefusedAndNoEntityIsRead(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOPSECRET");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
        + response().signedXml().replace(">alice</saml:AttributeValue>", ">&x;</saml:AttributeValue>");
    SamlRejection e = assertThrows(SamlRejection.class, () -> verify(SamlIdp.base64(xxe)));
    assertEquals(Reason.MALFORMED, e.reason());
    assertFalse(e.getMessage().contains("TOPSECRET"));
    String internal = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        + response().signedXml().replace(">alice</saml:AttributeValue>", ">&b;</saml:AttributeValue>");
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64(internal)));
  }

  @Test
  void aCommentDoesNotCutTheValueThatWasSigned() throws Exception {
    String xml = IDP.response(CLOCK, "alice@corp.example.evil.test").roles(ROLE).sessionName("alice").signedXml();
    String commented = xml.replace(">alice@corp.example.evil.test<", ">alice@corp.example<!---->.evil.test<");
    assertFalse(commented.equals(xml));
    assertEquals("alice@corp.example.evil.test", verify(SamlIdp.base64(commented)).nameId());
  }

  @Test
  void notBase64OrNotAResponseIsMalformed() {
    assertEquals(Reason.MALFORMED, refusal("!!!!not base64"));
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64("<a/>")));
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64("<samlp:Response xmlns:samlp=\"" + SamlIdp.PROTOCOL)));
  }

  @Test
  void aDeeplyNestedDocumentIsMalformedNotACrash() {
    String deep = "<x>".repeat(20000) + "</x>".repeat(20000);
    String xml = response().signedXml().replace("</samlp:Response>", deep + "</samlp:Response>");
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64(xml)));
  }

  @Test
  void twoAssertionsAreRefused() {
    Document doc = response().sign(true, false).document();
    Element assertion = (Element) doc.getElementsByTagNameNS(SamlIdp.ASSERTION, "Assertion").item(0);
    Element second = (Element) assertion.cloneNode(true);
    second.setAttribute("ID", "_second");
    doc.getDocumentElement().appendChild(second);
    assertEquals(Reason.MALFORMED, refusal(SamlIdp.base64(SamlIdp.serialize(doc))));
  }

  @Test
  void theSkewIsFiveMinutes() {
    assertEquals(Duration.ofMinutes(5), SamlResponseVerifier.SKEW);
  }

  private static void replaceText(Node n, String from, String to) {
    if (n.getNodeType() == Node.TEXT_NODE && n.getNodeValue().equals(from)) {
      n.setNodeValue(to);
    }
    for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
      replaceText(c, from, to);
    }
  }
}
