package dev.tokengate.proxy.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.config.LdapConfig;
import dev.tokengate.proxy.harness.Slapd;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The directory client against a real slapd: search, bind, groups, escaping, outages. */
@Timeout(120)
class LdapDirectoryTest {
  @TempDir static Path work;
  private static Slapd slapd;
  private static LdapDirectory directory;

  static LdapConfig config(String url, int timeoutSeconds) {
    return new LdapConfig(url, false, true, null, timeoutSeconds, Slapd.LOOKUP_DN, Slapd.LOOKUP_PASSWORD, Slapd.PEOPLE,
        "(&(objectClass=inetOrgPerson)(uid=%s))", "uid", Slapd.GROUPS, "(&(objectClass=groupOfNames)(member=%d))",
        List.of(new LdapConfig.RoleMapping(Slapd.READERS, "readers")));
  }

  @BeforeAll
  static void start() throws Exception {
    slapd = Slapd.start(work.resolve("slapd"), Slapd.SAMPLE_DIRECTORY);
    directory = new LdapDirectory(config(slapd.url(), 2));
  }

  @AfterAll
  static void stop() throws Exception {
    if (directory != null) {
      directory.close();
    }
    if (slapd != null) {
      slapd.stop();
    }
  }

  private static LdapLoginFailed.Reason refusal(LdapDirectory d, String user, String password) {
    return failure(d, user, password).reason();
  }

  private static LdapLoginFailed failure(LdapDirectory d, String user, String password) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> d.authenticate(user, password).get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof LdapLoginFailed, e.toString());
    return (LdapLoginFailed) e.getCause();
  }

  @Test
  void aUserBindsAndGetsItsDnAndGroups() throws Exception {
    LdapIdentity erin = directory.authenticate("erin", "erin-pw").get(20, TimeUnit.SECONDS);
    assertEquals("uid=erin," + Slapd.PEOPLE, erin.userDn());
    assertEquals("erin", erin.username());
    assertEquals(List.of(Slapd.READERS, Slapd.WRITERS), erin.groupDns().stream().sorted().toList());
    LdapIdentity carol = directory.authenticate("carol", "carol-pw").get(20, TimeUnit.SECONDS);
    assertEquals(List.of(), carol.groupDns());
  }

  @Test
  void theSessionIsNamedAsTheEntryNamesItself() throws Exception {
    // uid matches without regard to case; the entry's own spelling names the session.
    assertEquals("alice", directory.authenticate("ALICE", "alice-pw").get(20, TimeUnit.SECONDS).username());
  }

  @Test
  void wrongPasswordUnknownUserAndEmptyPasswordAreOneRefusal() {
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "alice", "bob-pw"));
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "nobody", "nobody-pw"));
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "alice", ""));
  }

  @Test
  void filterMetacharactersInTheUsernameMatchOnlyThemselves() throws Exception {
    // Unescaped, (uid=*)(uid=*) would match every entry and (uid=star*) two of them.
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "*)(uid=*", "alice-pw"));
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "*", "alice-pw"));
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "alice)(|(uid=*", "alice-pw"));
    LdapIdentity star = directory.authenticate("star*", "star*-pw").get(20, TimeUnit.SECONDS);
    assertEquals("uid=star*," + Slapd.PEOPLE, star.userDn());
    assertEquals("star*", star.username());
    assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(directory, "star*", "starfish-pw"));
  }

  private static LdapConfig tls(String url, boolean startTls, String trusted) {
    LdapConfig base = config(url, 2);
    return new LdapConfig(url, startTls, false, trusted, 2, Slapd.LOOKUP_DN, Slapd.LOOKUP_PASSWORD, Slapd.PEOPLE,
        base.userSearchFilter(), "uid", Slapd.GROUPS, base.groupSearchFilter(), base.roleMappings());
  }

  @Test
  void ldapsAndStartTlsLogInWithTheTrustedCertificate() throws Exception {
    String pem = slapd.certificateFile().toString();
    try (LdapDirectory ldaps = new LdapDirectory(tls(slapd.ldapsUrl(), false, pem));
        LdapDirectory startTls = new LdapDirectory(tls(slapd.url(), true, pem))) {
      assertEquals(List.of(Slapd.READERS), ldaps.authenticate("alice", "alice-pw").get(20, TimeUnit.SECONDS).groupDns());
      assertEquals("uid=bob," + Slapd.PEOPLE, startTls.authenticate("bob", "bob-pw").get(20, TimeUnit.SECONDS).userDn());
      assertEquals(LdapLoginFailed.Reason.INVALID_CREDENTIALS, refusal(ldaps, "alice", "wrong"));
    }
  }

  @Test
  void aCertificateNotTrustedOrNotForTheHostIsAnOutage() throws Exception {
    // The JVM's own trust store does not know the test certificate.
    try (LdapDirectory untrusted = new LdapDirectory(tls(slapd.ldapsUrl(), false, null));
        LdapDirectory untrustedStartTls = new LdapDirectory(tls(slapd.url(), true, null));
        // Trusted, but issued for 127.0.0.1, not localhost.
        LdapDirectory wrongHost = new LdapDirectory(tls(slapd.ldapsUrl().replace("127.0.0.1", "localhost"), false,
            slapd.certificateFile().toString()))) {
      for (LdapDirectory d : List.of(untrusted, untrustedStartTls, wrongHost)) {
        LdapLoginFailed f = failure(d, "alice", "alice-pw");
        assertEquals(LdapLoginFailed.Reason.UNAVAILABLE, f.reason());
        assertTrue(f.getMessage().contains(d == wrongHost ? "Hostname verification failed" : "PKIX path building failed"),
            f.getMessage());
      }
    }
  }

  @Test
  void aWrongServiceAccountIsAnOutageNotTheUsersFault() {
    LdapConfig base = config(slapd.url(), 2);
    try (LdapDirectory wrong = new LdapDirectory(new LdapConfig(base.serverUrl(), false, true, null, 2,
        Slapd.LOOKUP_DN, "not-the-password", Slapd.PEOPLE, base.userSearchFilter(), "uid", null, null,
        base.roleMappings()))) {
      assertEquals(LdapLoginFailed.Reason.UNAVAILABLE, refusal(wrong, "alice", "alice-pw"));
    }
  }

  @Test
  void aClosedPortIsUnavailableAtOnce() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (LdapDirectory down = new LdapDirectory(config("ldap://127.0.0.1:" + closed, 2))) {
      long start = System.nanoTime();
      assertEquals(LdapLoginFailed.Reason.UNAVAILABLE, refusal(down, "alice", "alice-pw"));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }
  }

  @Test
  void aServerThatNeverAnswersIsUnavailableWithinTheTimeout() throws Exception {
    List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        LdapDirectory hung = new LdapDirectory(config("ldap://127.0.0.1:" + silent.getLocalPort(), 1))) {
      Thread acceptor = new Thread(() -> {
        try {
          while (accepted.size() < 8) {
            accepted.add(silent.accept()); // accepted, never answered
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();
      assertEquals(LdapLoginFailed.Reason.UNAVAILABLE, refusal(hung, "alice", "alice-pw"));
      long took = System.nanoTime() - start;
      assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900) && took < TimeUnit.SECONDS.toNanos(4),
          "took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
    } finally {
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }
}
