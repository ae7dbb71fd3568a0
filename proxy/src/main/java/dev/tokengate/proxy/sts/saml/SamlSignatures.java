package dev.tokengate.proxy.sts.saml;

import dev.tokengate.proxy.sts.saml.SamlRejection.Reason;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.w3c.dom.Element;

/**
 * Checks an enveloped XML signature with the JDK's XML-DSig API, against the provider metadata's
 * keys only: a KeyInfo in the message is never consulted, so a message cannot bring its own key.
 * The signature must cover exactly the element it sits in (one Reference, {@code #ID} of that
 * element), with only the enveloped-signature and exclusive c14n transforms, so what was signed is
 * what is read.
 */
final class SamlSignatures {
  /** The one message for every signature failure: which check failed is no help to a forger. */
  static final String INVALID = "Response signature invalid";

  private static final Set<String> SIGNATURE_METHODS = Set.of(
      SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512);
  private static final Set<String> DIGEST_METHODS = Set.of(
      DigestMethod.SHA256, DigestMethod.SHA384, DigestMethod.SHA512);
  private static final Set<String> TRANSFORMS = Set.of(Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE);

  private SamlSignatures() {}

  /**
   * @param signed the Response or Assertion whose direct child {@code signature} is
   * @throws SamlRejection {@code BAD_SIGNATURE} unless one of {@code keys} verifies it
   */
  static void verify(Element signed, Element signature, List<PublicKey> keys) throws SamlRejection {
    String id = signed.getAttributeNS(null, "ID");
    if (id.isEmpty() || signed.getOwnerDocument().getElementById(id) != signed) {
      throw invalid();
    }
    XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
    try {
      for (PublicKey key : keys) {
        DOMValidateContext context = new DOMValidateContext(key, signature);
        context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        XMLSignature xmlSignature = factory.unmarshalXMLSignature(context);
        checkShape(xmlSignature.getSignedInfo(), id);
        if (xmlSignature.validate(context)) {
          return;
        }
      }
    } catch (MarshalException | XMLSignatureException | RuntimeException e) {
      // A hostile Signature can make the XML-DSig code fail unchecked too: it is still just invalid.
      throw invalid();
    }
    throw invalid();
  }

  private static void checkShape(SignedInfo info, String id) throws SamlRejection {
    if (!CanonicalizationMethod.EXCLUSIVE.equals(info.getCanonicalizationMethod().getAlgorithm())
        || !SIGNATURE_METHODS.contains(info.getSignatureMethod().getAlgorithm())
        || info.getReferences().size() != 1) {
      throw invalid();
    }
    Reference reference = (Reference) info.getReferences().get(0);
    if (!("#" + id).equals(reference.getURI())
        || !DIGEST_METHODS.contains(reference.getDigestMethod().getAlgorithm())) {
      throw invalid();
    }
    boolean enveloped = false;
    for (Object t : reference.getTransforms()) {
      String algorithm = ((Transform) t).getAlgorithm();
      if (!TRANSFORMS.contains(algorithm)) {
        throw invalid();
      }
      enveloped |= algorithm.equals(Transform.ENVELOPED);
    }
    if (!enveloped) {
      throw invalid();
    }
  }

  private static SamlRejection invalid() {
    return new SamlRejection(Reason.BAD_SIGNATURE, INVALID);
  }
}
