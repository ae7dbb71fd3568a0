package dev.tokengate.proxy.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * SAML 2.0 IdP metadata documents for tests, with a self-signed signing certificate the JDK's
 * keytool makes once per JVM (nothing third-party is checked in).
 */
public final class SamlIdpMetadata {
  private static String certificate;

  private SamlIdpMetadata() {}

  /** The base64 DER of a fresh self-signed RSA certificate, {@code CN=idp.tokengate.test}. */
  public static synchronized String certificate() {
    if (certificate == null) {
      try {
        certificate = generate();
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("keytool could not make a test certificate: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return certificate;
  }

  private static String generate() throws IOException, GeneralSecurityException, InterruptedException {
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
      return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(ks.getCertificate("idp").getEncoded());
    } finally {
      Files.deleteIfExists(store);
      Files.deleteIfExists(dir);
    }
  }

  /** IdP metadata for {@code entityId} with the test certificate for signing. */
  public static String document(String entityId) {
    return document(entityId, "", keyDescriptor("signing", certificate()));
  }

  /**
   * @param rootAttributes more attributes of the EntityDescriptor (e.g. {@code validUntil="…"})
   * @param keyDescriptors what the IDPSSODescriptor holds before its SSO service
   */
  public static String document(String entityId, String rootAttributes, String keyDescriptors) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s" %s>
          <md:IDPSSODescriptor WantAuthnRequestsSigned="false"
              protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
        %s
            <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                Location="https://idp.tokengate.test/sso"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """.formatted(entityId, rootAttributes, keyDescriptors);
  }

  /** A KeyDescriptor ({@code use} null: none stated) holding one certificate. */
  public static String keyDescriptor(String use, String certificateBase64) {
    return """
            <md:KeyDescriptor%s>
              <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
        %s
              </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
            </md:KeyDescriptor>
        """.formatted(use == null ? "" : " use=\"" + use + "\"", certificateBase64);
  }
}
