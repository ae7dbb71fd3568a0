package dev.tokengate.proxy.harness;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A SAML 2.0 identity provider for tests: an RSA key with a self-signed certificate (made by the
 * JDK's keytool), its metadata, and signed Responses built and signed with the JDK's XML-DSig API
 * (enveloped, exclusive c14n, RSA-SHA256), as Okta or ADFS send them.
 */
public final class SamlIdp {
  public static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  public static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
  public static final String SIGN_IN = "https://signin.aws.amazon.com/saml";
  public static final String ATTR = "https://aws.amazon.com/SAML/Attributes/";

  private final String entityId;
  private final PrivateKey key;
  private final X509Certificate certificate;

  private SamlIdp(String entityId, PrivateKey key, X509Certificate certificate) {
    this.entityId = entityId;
    this.key = key;
    this.certificate = certificate;
  }

  /** A new IdP with a fresh key pair. */
  public static SamlIdp create(String entityId) {
    try {
      KeyStore.PrivateKeyEntry entry = generate();
      return new SamlIdp(entityId, entry.getPrivateKey(), (X509Certificate) entry.getCertificate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("keytool could not make a test key: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The same entity id with another key: what a forger without the IdP's key can sign with. */
  public SamlIdp withOtherKey() {
    SamlIdp other = create(entityId);
    return new SamlIdp(entityId, other.key, other.certificate);
  }

  public String entityId() {
    return entityId;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The IdP's metadata, with its certificate for signing. */
  public String metadata() {
    try {
      String cert = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      return SamlIdpMetadata.document(entityId, "", SamlIdpMetadata.keyDescriptor("signing", cert));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Response for {@code nameId} valid now (by {@code clock}), to be adjusted and signed. */
  public Response response(Clock clock, String nameId) {
    return new Response(clock.instant().truncatedTo(ChronoUnit.SECONDS), nameId);
  }

  public static String base64(String xml) {
    return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
  }

  /** A SAML Response under construction; every field has a value AWS accepts. */
  public final class Response {
    private final Instant now;
    private final String nameId;
    private String nameIdFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    private String issuer = entityId;
    private String destination = SIGN_IN;
    private String recipient = SIGN_IN;
    private String audience = SIGN_IN;
    private String status = "urn:oasis:names:tc:SAML:2.0:status:Success";
    private Instant notBefore;
    private Instant notOnOrAfter;
    private Instant sessionNotOnOrAfter;
    private final Map<String, List<String>> attributes = new LinkedHashMap<>();
    private boolean signResponse;
    private boolean signAssertion = true;
    private SamlIdp signer = SamlIdp.this;
    private String canonicalization = CanonicalizationMethod.EXCLUSIVE;
    private List<String> transforms = List.of(Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE);

    private Response(Instant now, String nameId) {
      this.now = now;
      this.nameId = nameId;
      this.notBefore = now.minusSeconds(60);
      this.notOnOrAfter = now.plus(Duration.ofMinutes(5));
    }

    /** Maps the user to roles: each value {@code "roleArn,providerArn"}. */
    public Response roles(String... pairs) {
      return attribute(ATTR + "Role", pairs);
    }

    public Response sessionName(String name) {
      return attribute(ATTR + "RoleSessionName", name);
    }

    public Response attribute(String name, String... values) {
      attributes.put(name, List.of(values));
      return this;
    }

    public Response without(String attributeName) {
      attributes.remove(attributeName);
      return this;
    }

    public Response nameIdFormat(String format) {
      this.nameIdFormat = format;
      return this;
    }

    public Response issuer(String value) {
      this.issuer = value;
      return this;
    }

    public Response destination(String value) {
      this.destination = value;
      return this;
    }

    public Response recipient(String value) {
      this.recipient = value;
      return this;
    }

    public Response audience(String value) {
      this.audience = value;
      return this;
    }

    public Response status(String value) {
      this.status = value;
      return this;
    }

    /** The validity window of Conditions and of the bearer confirmation. */
    public Response validity(Instant from, Instant until) {
      this.notBefore = from;
      this.notOnOrAfter = until;
      return this;
    }

    public Response sessionNotOnOrAfter(Instant value) {
      this.sessionNotOnOrAfter = value;
      return this;
    }

    /** Which elements to sign (the assertion only, by default). */
    public Response sign(boolean response, boolean assertion) {
      this.signResponse = response;
      this.signAssertion = assertion;
      return this;
    }

    /** Other algorithms than the usual exclusive c14n and enveloped-signature transforms. */
    public Response algorithms(String canonicalizationMethod, String... transformAlgorithms) {
      this.canonicalization = canonicalizationMethod;
      this.transforms = List.of(transformAlgorithms);
      return this;
    }

    public Response signedBy(SamlIdp other) {
      this.signer = other;
      return this;
    }

    /** The signed Response as a DOM document. */
    public Document document() {
      try {
        Document doc = parse(xml());
        Element response = doc.getDocumentElement();
        Element assertion = (Element) response.getElementsByTagNameNS(ASSERTION, "Assertion").item(0);
        response.setIdAttributeNS(null, "ID", true);
        assertion.setIdAttributeNS(null, "ID", true);
        if (signAssertion) {
          signer.sign(assertion, canonicalization, transforms);
        }
        if (signResponse) {
          signer.sign(response, canonicalization, transforms);
        }
        return doc;
      } catch (Exception e) {
        throw new IllegalStateException("cannot build the test SAML response: " + e.getMessage(), e);
      }
    }

    /** The signed Response serialised. */
    public String signedXml() {
      return serialize(document());
    }

    /** The signed Response as the base64 that AssumeRoleWithSAML takes. */
    public String base64() {
      return SamlIdp.base64(signedXml());
    }

    private String xml() {
      StringBuilder attrs = new StringBuilder();
      attributes.forEach((name, values) -> {
        attrs.append("<saml:Attribute Name=\"").append(escape(name)).append("\">");
        values.forEach(v -> attrs.append("<saml:AttributeValue>").append(escape(v)).append("</saml:AttributeValue>"));
        attrs.append("</saml:Attribute>");
      });
      String session = sessionNotOnOrAfter == null ? "" : " SessionNotOnOrAfter=\"" + sessionNotOnOrAfter + "\"";
      return ("<samlp:Response xmlns:samlp=\"" + PROTOCOL + "\" xmlns:saml=\"" + ASSERTION + "\" ID=\"_r%s\""
          + " Version=\"2.0\" IssueInstant=\"%s\" Destination=\"%s\">"
          + "<saml:Issuer>%s</saml:Issuer>"
          + "<samlp:Status><samlp:StatusCode Value=\"%s\"/></samlp:Status>"
          + "<saml:Assertion ID=\"_a%s\" Version=\"2.0\" IssueInstant=\"%s\">"
          + "<saml:Issuer>%s</saml:Issuer>"
          + "<saml:Subject><saml:NameID Format=\"%s\">%s</saml:NameID>"
          + "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
          + "<saml:SubjectConfirmationData NotOnOrAfter=\"%s\" Recipient=\"%s\"/></saml:SubjectConfirmation>"
          + "</saml:Subject>"
          + "<saml:Conditions NotBefore=\"%s\" NotOnOrAfter=\"%s\"><saml:AudienceRestriction>"
          + "<saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
          + "<saml:AuthnStatement AuthnInstant=\"%s\"%s><saml:AuthnContext><saml:AuthnContextClassRef>"
          + "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>"
          + "</saml:AuthnContext></saml:AuthnStatement>"
          + "<saml:AttributeStatement>%s</saml:AttributeStatement>"
          + "</saml:Assertion></samlp:Response>").formatted(
              id(), now, escape(destination), escape(issuer), escape(status), id(), now, escape(issuer),
              escape(nameIdFormat), escape(nameId), notOnOrAfter, escape(recipient), notBefore, notOnOrAfter,
              escape(audience), now, session, attrs);
    }
  }

  /** Signs {@code element} (whose ID is registered) with an enveloped signature after its Issuer. */
  void sign(Element element, String canonicalization, List<String> transformAlgorithms)
      throws GeneralSecurityException, javax.xml.crypto.MarshalException, javax.xml.crypto.dsig.XMLSignatureException {
    XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
    List<Transform> transforms = new java.util.ArrayList<>();
    for (String algorithm : transformAlgorithms) {
      transforms.add(f.newTransform(algorithm, (TransformParameterSpec) null));
    }
    Reference ref = f.newReference("#" + element.getAttribute("ID"), f.newDigestMethod(DigestMethod.SHA256, null),
        transforms, null, null);
    SignedInfo info = f.newSignedInfo(
        f.newCanonicalizationMethod(canonicalization, (C14NMethodParameterSpec) null),
        f.newSignatureMethod(SignatureMethod.RSA_SHA256, null), List.of(ref));
    KeyInfoFactory kif = f.getKeyInfoFactory();
    KeyInfo keyInfo = kif.newKeyInfo(List.of(kif.newX509Data(List.of(certificate))));
    Node issuerElement = element.getElementsByTagNameNS(ASSERTION, "Issuer").item(0);
    DOMSignContext context = new DOMSignContext(key, element, issuerElement.getNextSibling());
    context.setDefaultNamespacePrefix("ds");
    f.newXMLSignature(info, keyInfo).sign(context);
  }

  public static Document parse(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String serialize(Document doc) {
    try {
      StringWriter out = new StringWriter();
      var t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty("omit-xml-declaration", "yes");
      t.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String id() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static KeyStore.PrivateKeyEntry generate() throws IOException, GeneralSecurityException, InterruptedException {
    Path dir = Files.createTempDirectory("saml-idp");
    Path store = dir.resolve("idp.p12");
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "idp", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
          "-dname", "CN=idp.tokengate.test", "-validity", "3650", "-storetype", "PKCS12",
          "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit", "-noprompt")
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("keytool failed: " + output);
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, "changeit".toCharArray());
      }
      return (KeyStore.PrivateKeyEntry) ks.getEntry("idp", new KeyStore.PasswordProtection("changeit".toCharArray()));
    } finally {
      Files.deleteIfExists(store);
      Files.deleteIfExists(dir);
    }
  }
}
