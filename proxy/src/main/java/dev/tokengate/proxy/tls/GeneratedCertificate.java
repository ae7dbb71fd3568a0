package dev.tokengate.proxy.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed certificate HTTPS uses when no certificate files are configured: an ECDSA P-256
 * key and a certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the configured
 * host names, made once and kept in {@code DATA/tls/} (the key readable by its owner only), so
 * clients that trust it ({@code AWS_CA_BUNDLE}) keep trusting it across restarts. Delete the two
 * files to make a new one.
 */
public final class GeneratedCertificate {
  static final String CERTIFICATE = "certificate.pem";
  static final String PRIVATE_KEY = "private-key.pem";
  /** Within the 825 days Apple's clients accept for a server certificate. */
  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final Pattern IP = Pattern.compile("[0-9.]+|.*:.*");

  private GeneratedCertificate() {}

  /** The certificate and key files in {@code dataDir/tls}, made now if they are not there yet. */
  public static CertificateFiles loadOrCreate(Path dataDir, List<String> hostNames, Clock clock, SecureRandom random)
      throws IOException {
    Path dir = dataDir.resolve("tls");
    CertificateFiles files = new CertificateFiles(dir.resolve(CERTIFICATE), dir.resolve(PRIVATE_KEY));
    if (Files.exists(files.certificateChain()) && Files.exists(files.privateKey())) {
      return files;
    }
    Files.createDirectories(dir);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair key = generator.generateKeyPair();
      X509Certificate certificate = selfSigned(key, names(hostNames), clock.instant(), random);
      // The key first, so a certificate on disk always has its key beside it.
      writeAtomically(files.privateKey(), pem(new JcaPKCS8Generator(key.getPrivate(), null)), true);
      writeAtomically(files.certificateChain(), pem(certificate), false);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot generate the self-signed TLS certificate: " + e.getMessage(), e);
    }
    return files;
  }

  private static List<String> names(List<String> hostNames) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    names.addAll(hostNames);
    return new ArrayList<>(names);
  }

  private static X509Certificate selfSigned(KeyPair key, List<String> names, Instant now, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Name subject = new X500Name("CN=tokengate self-signed");
    GeneralName[] alternatives = new GeneralName[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      alternatives[i] = IP.matcher(name).matches()
          ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress())
          : new GeneralName(GeneralName.dNSName, name);
    }
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X509CertificateHolder holder =
        new JcaX509v3CertificateBuilder(subject, new BigInteger(127, random), Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)), subject, key.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives))
            .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key.getPublic()))
            .addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(key.getPublic()))
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void writeAtomically(Path file, String text, boolean ownerOnly) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    if (ownerOnly) {
      Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(temporary, text, StandardCharsets.US_ASCII);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
