package dev.tokengate.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener: TLS 1.2 and 1.3 only, the generated certificate kept across restarts, the
 * configured certificate files reloaded for new connections, and {@code aws:SecureTransport}.
 */
@Timeout(120)
class TlsListenerTest {

  /** Trusts anything: these tests look at the certificate the server presents, not at a chain. */
  static SSLContext trustAll(String protocol) throws Exception {
    SSLContext context = SSLContext.getInstance(protocol);
    context.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, new SecureRandom());
    return context;
  }

  /** The negotiated protocol and the server certificate's fingerprint of one new connection. */
  static String[] handshake(String httpsEndpoint, String protocol) throws Exception {
    URI uri = URI.create(httpsEndpoint);
    try (SSLSocket socket = (SSLSocket) trustAll("TLS").getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.startHandshake();
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      return new String[] {socket.getSession().getProtocol(), ServerTlsContext.fingerprint(leaf)};
    }
  }

  @Nested
  class Generated {
    @RegisterExtension
    final TokengateExtension proxy = TokengateExtension.withConfig("tls: {listen: \"127.0.0.1:0\", hostNames: [s3.test]}");

    @Test
    void tls12And13AreServed() throws Exception {
      assertEquals("TLSv1.3", handshake(proxy.httpsEndpoint(), "TLSv1.3")[0]);
      assertEquals("TLSv1.2", handshake(proxy.httpsEndpoint(), "TLSv1.2")[0]);
      assertEquals(proxy.server().tls().fingerprint(), handshake(proxy.httpsEndpoint(), "TLSv1.3")[1]);
    }

    /**
     * A TLS 1.1 ClientHello, written by hand: the JDK's own client will not even offer 1.1 (it is
     * in jdk.tls.disabledAlgorithms), so this is what an old client sends. The server must answer
     * with a fatal protocol_version alert (or close), never a ServerHello.
     */
    @Test
    void tls11IsRefused() throws Exception {
      URI uri = URI.create(proxy.httpsEndpoint());
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      java.io.ByteArrayOutputStream hello = new java.io.ByteArrayOutputStream();
      hello.write(new byte[] {0x03, 0x02}); // client_version TLS 1.1
      hello.write(random);
      hello.write(0); // no session id
      hello.write(new byte[] {0x00, 0x04, (byte) 0xc0, 0x13, 0x00, 0x2f}); // ECDHE-RSA-AES128-SHA, RSA-AES128-SHA
      hello.write(new byte[] {0x01, 0x00}); // null compression
      byte[] body = hello.toByteArray();
      byte[] handshake = new byte[4 + body.length];
      handshake[0] = 0x01; // ClientHello
      handshake[1] = 0;
      handshake[2] = (byte) (body.length >> 8);
      handshake[3] = (byte) body.length;
      System.arraycopy(body, 0, handshake, 4, body.length);
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {0x16, 0x03, 0x01, (byte) (handshake.length >> 8), (byte) handshake.length});
        out.write(handshake);
        out.flush();
        InputStream in = socket.getInputStream();
        int type = in.read();
        if (type != -1) {
          assertEquals(0x15, type, "an alert record, not a handshake (ServerHello)");
          DataInputStream data = new DataInputStream(in);
          data.readUnsignedShort(); // version
          int length = data.readUnsignedShort();
          byte[] alert = new byte[length];
          data.readFully(alert);
          assertEquals(2, alert[0], "fatal");
          assertEquals(70, alert[1], "protocol_version");
        }
      }
    }

    @Test
    void theCertificateIsKeptAcrossRestarts() throws Exception {
      CertificateFiles files = proxy.server().tls().files();
      assertEquals(proxy.dataDir().resolve("tls/certificate.pem"), files.certificateChain());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey())));
      X509Certificate leaf = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(Files.newInputStream(files.certificateChain()));
      String names = leaf.getSubjectAlternativeNames().toString();
      assertTrue(names.contains("localhost") && names.contains("127.0.0.1") && names.contains("s3.test"), names);
      String before = proxy.server().tls().fingerprint();
      proxy.restart();
      assertEquals(before, proxy.server().tls().fingerprint());
      assertEquals(before, handshake(proxy.httpsEndpoint(), "TLSv1.3")[1]);
    }
  }

  @Nested
  class FromFiles {
    @RegisterExtension
    final TokengateExtension proxy = TokengateExtension.withConfig(prepare());

    private String prepare() {
      try {
        Path base = Files.createTempDirectory("tls-files-");
        CertificateFiles first = GeneratedCertificate.loadOrCreate(base.resolve("one"), List.of(), Clock.systemUTC(),
            new SecureRandom());
        Files.copy(first.certificateChain(), base.resolve("chain.pem"));
        Files.copy(first.privateKey(), base.resolve("key.pem"));
        filesDir = base;
        return "tls: {listen: \"127.0.0.1:0\", certificateChain: \"" + base.resolve("chain.pem") + "\", privateKey: \""
            + base.resolve("key.pem") + "\"}";
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private Path filesDir;

    @Test
    void replacedFilesReachNewConnections() throws Exception {
      String first = handshake(proxy.httpsEndpoint(), "TLSv1.3")[1];
      CertificateFiles second = GeneratedCertificate.loadOrCreate(filesDir.resolve("two"), List.of(), Clock.systemUTC(),
          new SecureRandom());
      // The key first, then the chain, each by an atomic rename, as a certificate manager would.
      Files.copy(second.privateKey(), filesDir.resolve("key.pem.new"));
      Files.move(filesDir.resolve("key.pem.new"), filesDir.resolve("key.pem"), StandardCopyOption.ATOMIC_MOVE);
      Files.copy(second.certificateChain(), filesDir.resolve("chain.pem.new"));
      Files.move(filesDir.resolve("chain.pem.new"), filesDir.resolve("chain.pem"), StandardCopyOption.ATOMIC_MOVE);
      String now = first;
      for (int i = 0; i < 100 && now.equals(first); i++) {
        Thread.sleep(100);
        now = handshake(proxy.httpsEndpoint(), "TLSv1.3")[1];
      }
      assertNotEquals(first, now, "new connections see the new certificate within 10 s");
      assertEquals(proxy.server().tls().fingerprint(), now);
      try (var files = Files.walk(filesDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** aws:SecureTransport is true on the HTTPS listener only: a bucket policy denying insecure writes. */
  @Nested
  class SecureTransport {
    @TempDir Path work;

    @RegisterExtension
    final TokengateExtension proxy = TokengateExtension.withConfig("""
        tls: {listen: "127.0.0.1:0"}
        users:
          - name: dev
            accessKeys: [{id: AKIADEVUSER000000001, secret: dev-secret-dev-secret-dev-secret-000000}]
            managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
        """);

    @Test
    void insecureWritesDeniedSecureOnesAllowed() throws Exception {
      assertEquals(200, proxy.adminClient().put("/secure-only", "").statusCode());
      String policy = """
          {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",
          "Resource":"arn:aws:s3:::secure-only/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}""";
      assertEquals(204, proxy.adminClient().put("/secure-only?policy", policy).statusCode());
      CliRunner runner = new CliRunner(CliRunner.awsEnv(work, "AKIADEVUSER000000001",
          "dev-secret-dev-secret-dev-secret-000000"));
      Path file = Files.writeString(work.resolve("f.txt"), "hello");
      CliRunner.Result http = runner.run(work, "/usr/bin/aws", "--endpoint-url", proxy.endpoint(), "s3", "cp",
          file.toString(), "s3://secure-only/f.txt");
      assertTrue(http.exitCode() != 0 && http.all().contains("AccessDenied"), http.all());
      CliRunner.Result https = runner.run(work, "/usr/bin/aws", "--endpoint-url", proxy.httpsEndpoint(),
          "--no-verify-ssl", "s3", "cp", file.toString(), "s3://secure-only/f.txt");
      assertEquals(0, https.exitCode(), https.all());
    }
  }
}
