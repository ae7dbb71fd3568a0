package dev.tokengate.proxy.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenLDAP {@code slapd} (Debian's package) on a loopback port of its own: a generated
 * {@code slapd.conf} (mdb backend, suffix {@link #SUFFIX}, root {@link #ROOT_DN}/{@link
 * #ROOT_PASSWORD}) in a directory of the test's, loaded with an LDIF by {@code slapadd} before it
 * starts; it listens for plain LDAP (and StartTLS) on {@link #url} and for LDAPS on {@link
 * #ldapsUrl}, with a certificate of its own ({@link #certificateFile}). {@link #stop} and {@link #start} again on the same port and data (an outage). Missing
 * slapd fails the test: scripts/test.sh installs it.
 *
 * <p>Passwords in the LDIF may be plain ({@code userPassword: secret}); slapd compares them as
 * they are. Only the entry itself and anonymous binds see {@code userPassword}.
 */
public final class Slapd implements AutoCloseable {
  public static final String SUFFIX = "dc=example,dc=test";
  public static final String ROOT_DN = "cn=admin," + SUFFIX;
  public static final String ROOT_PASSWORD = "root-secret";
  /** The service account of {@link #SAMPLE_DIRECTORY}, allowed to search. */
  public static final String LOOKUP_DN = "cn=tokengate,ou=services," + SUFFIX;
  public static final String LOOKUP_PASSWORD = "lookup-secret";
  public static final String PEOPLE = "ou=people," + SUFFIX;
  public static final String GROUPS = "ou=groups," + SUFFIX;
  public static final String READERS = "cn=readers," + GROUPS;
  public static final String WRITERS = "cn=writers," + GROUPS;

  /**
   * A small directory: alice (readers), bob (writers), erin (both), carol and dave (no group), and
   * the users {@code star*} and {@code starfish} (a filter that is not escaped finds both); each
   * user's password is NAME-pw.
   */
  public static final String SAMPLE_DIRECTORY = """
      dn: ou=services,%1$s
      objectClass: organizationalUnit
      ou: services

      dn: %2$s
      objectClass: organizationalRole
      objectClass: simpleSecurityObject
      cn: tokengate
      userPassword: %3$s

      dn: %4$s
      objectClass: organizationalUnit
      ou: people

      dn: %5$s
      objectClass: organizationalUnit
      ou: groups

      """.formatted(SUFFIX, LOOKUP_DN, LOOKUP_PASSWORD, PEOPLE, GROUPS)
      + person("alice") + person("bob") + person("carol") + person("dave") + person("erin") + person("star*")
      + person("starfish")
      + group("readers", "alice", "erin") + group("writers", "bob", "erin");

  private static String person(String uid) {
    return """
        dn: uid=%1$s,%2$s
        objectClass: inetOrgPerson
        uid: %1$s
        cn: %1$s
        sn: %1$s
        userPassword: %1$s-pw

        """.formatted(uid, PEOPLE);
  }

  private static String group(String cn, String... members) {
    StringBuilder g = new StringBuilder("dn: cn=" + cn + "," + GROUPS + "\nobjectClass: groupOfNames\ncn: " + cn + "\n");
    for (String m : members) {
      g.append("member: uid=").append(m).append(',').append(PEOPLE).append('\n');
    }
    return g.append('\n').toString();
  }

  private static final Path SLAPD = Path.of("/usr/sbin/slapd");
  private static final Path SLAPADD = Path.of("/usr/sbin/slapadd");

  private final Path dir;
  private final Path conf;
  private final int port;
  private final int tlsPort;
  private Process process;

  private Slapd(Path dir) throws IOException {
    this.dir = dir;
    this.conf = dir.resolve("slapd.conf");
    this.port = freePort();
    this.tlsPort = freePort();
  }

  /** Loads {@code ldif} (below the suffix entry, which is made here) into a new directory in {@code dir}, then starts. */
  public static Slapd start(Path dir, String ldif) throws IOException, InterruptedException {
    if (!Files.isExecutable(SLAPD) || !Files.isExecutable(SLAPADD)) {
      throw new IllegalStateException(SLAPD + " is missing: apt-get install slapd (scripts/test.sh does)");
    }
    Files.createDirectories(dir.resolve("db"));
    Slapd slapd = new Slapd(dir);
    slapd.writeCertificate();
    slapd.writeConfig();
    Path data = dir.resolve("data.ldif");
    Files.writeString(data, """
        dn: %s
        objectClass: dcObject
        objectClass: organization
        o: tokengate test
        dc: example

        """.formatted(SUFFIX) + ldif);
    Process add = new ProcessBuilder(List.of(SLAPADD.toString(), "-f", slapd.conf.toString(), "-l", data.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("slapadd.log").toFile()).start();
    if (!add.waitFor(30, TimeUnit.SECONDS)) {
      add.destroyForcibly();
      throw new IllegalStateException("slapadd did not finish within 30 s");
    }
    if (add.exitValue() != 0) {
      throw new IllegalStateException("slapadd failed: " + Files.readString(dir.resolve("slapadd.log")));
    }
    slapd.start();
    return slapd;
  }

  private void writeConfig() throws IOException {
    Files.writeString(conf, """
        include /etc/ldap/schema/core.schema
        include /etc/ldap/schema/cosine.schema
        include /etc/ldap/schema/inetorgperson.schema
        modulepath /usr/lib/ldap
        moduleload back_mdb
        pidfile %1$s/slapd.pid
        argsfile %1$s/slapd.args
        TLSCertificateFile %1$s/server.pem
        TLSCertificateKeyFile %1$s/server.key
        access to attrs=userPassword by self read by anonymous auth by * none
        access to * by * read
        database mdb
        maxsize 16777216
        suffix "%2$s"
        rootdn "%3$s"
        rootpw %4$s
        directory %1$s/db
        """.formatted(dir, SUFFIX, ROOT_DN, ROOT_PASSWORD));
  }

  /**
   * A self-signed certificate for 127.0.0.1 (subject alternative name IP:127.0.0.1), made with the
   * JDK's keytool; its PEM is {@link #certificateFile} for clients to trust.
   */
  private void writeCertificate() throws IOException, InterruptedException {
    Path store = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize",
        "2048", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
    }
    try (var in = Files.newInputStream(store)) {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(in, "changeit".toCharArray());
      java.security.Key key = ks.getKey("server", "changeit".toCharArray());
      java.security.cert.Certificate cert = ks.getCertificate("server");
      java.util.Base64.Encoder pem = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'});
      Files.writeString(dir.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
          + pem.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
      Files.writeString(certificateFile(), "-----BEGIN CERTIFICATE-----\n"
          + pem.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the generated key store does not open", e);
    }
  }

  /** The PEM certificate slapd presents on {@link #ldapsUrl} and after StartTLS. */
  public Path certificateFile() {
    return dir.resolve("server.pem");
  }

  /** {@code ldaps://127.0.0.1:PORT}: TLS from the first byte. */
  public String ldapsUrl() {
    return "ldaps://127.0.0.1:" + tlsPort;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** {@code ldap://127.0.0.1:PORT}. */
  public String url() {
    return "ldap://127.0.0.1:" + port;
  }

  /** Starts (again) in the foreground ({@code -d 0}, so the process is slapd itself); waits until it answers (≤ 20 s). */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null) {
      return;
    }
    process = new ProcessBuilder(List.of(SLAPD.toString(), "-f", conf.toString(), "-h", url() + "/ " + ldapsUrl() + "/",
        "-d", "0"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("slapd.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        int code = process.exitValue();
        process = null;
        throw new IllegalStateException("slapd exited with " + code + ": " + Files.readString(dir.resolve("slapd.log")));
      }
      if (answers()) {
        return;
      }
      Thread.sleep(100);
    }
    stop();
    throw new IllegalStateException("slapd did not answer on " + url() + " within 20 s");
  }

  /** Whether an anonymous LDAP bind on the port gets a response (a BER bind request, read back). */
  private boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      // SEQUENCE { messageID 1, [APPLICATION 0] BindRequest { version 3, name "", simple "" } }
      s.getOutputStream().write(new byte[] {0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00,
          (byte) 0x80, 0x00});
      s.getOutputStream().flush();
      return s.getInputStream().read() == 0x30;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Stops slapd (data kept), waiting at most 10 s. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
