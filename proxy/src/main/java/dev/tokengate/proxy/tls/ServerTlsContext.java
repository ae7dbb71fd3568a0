package dev.tokengate.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener's {@link SslContext}, built from PEM files and rebuilt when they change: each
 * new connection takes {@link #current()}; open connections keep the context they began with.
 * {@link #reloadIfChanged()} is called off the event loops (it reads files); a pair of files that
 * does not load (half-written, a key that does not match) is logged and the old context kept.
 *
 * <p>TLS 1.3 and 1.2 only, with AEAD suites and forward secrecy (ECDHE), on the JDK's provider.
 */
public final class ServerTlsContext {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);

  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** IANA names, strongest first; the JDK's names are these. Suites the JDK lacks are skipped. */
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private record Loaded(SslContext context, Stamp stamp, String fingerprint) {}

  /** What the files looked like when read: a change in either means "read again". */
  private record Stamp(FileTime chainModified, long chainSize, FileTime keyModified, long keySize) {}

  private final CertificateFiles files;
  private final AtomicReference<Loaded> loaded = new AtomicReference<>();

  private ServerTlsContext(CertificateFiles files) {
    this.files = files;
  }

  /** @throws IOException when the files do not make a usable certificate and key (startup stops) */
  public static ServerTlsContext open(CertificateFiles files) throws IOException {
    ServerTlsContext context = new ServerTlsContext(files);
    context.loaded.set(context.load(context.stamp()));
    return context;
  }

  public SslContext current() {
    return loaded.get().context();
  }

  /** The SHA-256 fingerprint of the server certificate in use, as {@code AB:CD:…}. */
  public String fingerprint() {
    return loaded.get().fingerprint();
  }

  public CertificateFiles files() {
    return files;
  }

  /** Re-reads the files if either changed; @return whether a new context is now in use. */
  public boolean reloadIfChanged() {
    try {
      Stamp now = stamp();
      if (Objects.equals(now, loaded.get().stamp())) {
        return false;
      }
      Loaded fresh = load(now);
      loaded.set(fresh);
      LOG.info("TLS certificate reloaded from {} (SHA-256 {})", files.certificateChain(), fresh.fingerprint());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("TLS certificate in {} / {} not reloaded, the previous one stays in use: {}",
          files.certificateChain(), files.privateKey(), e.getMessage());
      return false;
    }
  }

  private Stamp stamp() throws IOException {
    return new Stamp(Files.getLastModifiedTime(files.certificateChain()), Files.size(files.certificateChain()),
        Files.getLastModifiedTime(files.privateKey()), Files.size(files.privateKey()));
  }

  private Loaded load(Stamp stamp) throws IOException {
    byte[] chain = Files.readAllBytes(files.certificateChain());
    byte[] key = Files.readAllBytes(files.privateKey());
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(chain));
    } catch (CertificateException | ClassCastException e) {
      throw new IOException(files.certificateChain() + " holds no PEM certificate: " + e.getMessage(), e);
    }
    SslContext context;
    try {
      context = SslContextBuilder.forServer(new ByteArrayInputStream(chain), new ByteArrayInputStream(key))
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("cannot use " + files.certificateChain() + " with " + files.privateKey() + ": "
          + e.getMessage(), e);
    }
    return new Loaded(context, stamp, fingerprint(leaf));
  }

  static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateException e) {
      throw new IllegalStateException("cannot fingerprint the certificate", e);
    }
  }
}
