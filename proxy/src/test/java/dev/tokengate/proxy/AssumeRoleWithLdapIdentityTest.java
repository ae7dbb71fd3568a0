package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.Slapd;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AssumeRoleWithLDAPIdentity end to end against a real slapd: the unsigned form call as MinIO's
 * clients send it, the session's S3 access through the AWS CLI v2, the mapping rule, the trust
 * policy's {@code ldap:*} keys, and every refusal with its code and status.
 */
@Timeout(300)
class AssumeRoleWithLdapIdentityTest {
  private static final Path SLAPD_DIR = tempDir();
  private static final Slapd LDAP = startSlapd();
  private static final String ACCOUNT = "123456789012";
  private static final String READ = """
      {Version: "2012-10-17", Statement: [
        {Effect: Allow, Action: "s3:ListBucket", Resource: "arn:aws:s3:::ldap-bucket"},
        {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::ldap-bucket/*"}]}""";
  private static final String TRUST_LDAP = "{Effect: Allow, Principal: {Federated: ldap}, "
      + "Action: \"sts:AssumeRoleWithLDAPIdentity\"";

  @RegisterExtension
  static final TokengateExtension PROXY = TokengateExtension.withConfig("""
      roles:
        - name: ldap-readers
          trustPolicy: {Version: "2012-10-17", Statement: [%1$s}]}
          policies: {read: %2$s}
        - name: ldap-writers
          trustPolicy: {Version: "2012-10-17", Statement: [%1$s,
            Condition: {"ForAnyValue:StringEquals": {"ldap:groups": "%3$s"}}}]}
          policies:
            write: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*",
              Resource: ["arn:aws:s3:::ldap-bucket", "arn:aws:s3:::ldap-bucket/*"]}]}
        - name: ldap-alice-only
          trustPolicy: {Version: "2012-10-17", Statement: [%1$s,
            Condition: {StringEquals: {"ldap:username": alice, "ldap:user": "uid=alice,%4$s"}}}]}
          policies: {read: %2$s}
        - name: ldap-distrusted
          trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow,
            Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: "sts:AssumeRole"}]}
          policies: {read: %2$s}
      ldap:
        serverUrl: "%5$s"
        allowInsecurePlainLdap: true
        timeoutSeconds: 2
        lookupBindDn: "%6$s"
        lookupBindPassword: "%7$s"
        userSearchBaseDn: "%4$s"
        userSearchFilter: "(&(objectClass=inetOrgPerson)(uid=%%s))"
        groupSearchBaseDn: "%8$s"
        groupSearchFilter: "(&(objectClass=groupOfNames)(member=%%d))"
        roleMappings:
          - {dn: "%9$s", role: ldap-readers}
          - {dn: "%3$s", role: ldap-writers}
          - {dn: "%9$s", role: ldap-alice-only}
          - {dn: "UID=dave, %4$s", role: ldap-distrusted}
          - {dn: "uid=carol,%4$s", role: no-such-role}
      """.formatted(TRUST_LDAP, READ, Slapd.WRITERS, Slapd.PEOPLE, LDAP.url(), Slapd.LOOKUP_DN, Slapd.LOOKUP_PASSWORD,
      Slapd.GROUPS, Slapd.READERS));

  private static AwsCli admin;

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("tokengate-slapd-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Slapd startSlapd() {
    try {
      return Slapd.start(SLAPD_DIR, Slapd.SAMPLE_DIRECTORY);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("slapd did not start", e);
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    admin = new AwsCli(PROXY.endpoint(), PROXY.dataDir(), PROXY.admin());
    admin.ok("s3api", "create-bucket", "--bucket", "ldap-bucket");
    Path file = PROXY.dataDir().resolve("file.txt");
    Files.writeString(file, "hello\n");
    admin.ok("s3api", "put-object", "--bucket", "ldap-bucket", "--key", "docs/file.txt", "--body", file.toString());
  }

  @AfterAll
  static void stopSlapd() throws Exception {
    LDAP.stop();
    try (Stream<Path> paths = Files.walk(SLAPD_DIR)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static StsClient.Response login(String user, String password, String... more) throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("LDAPUsername", user);
    params.put("LDAPPassword", password);
    for (int i = 0; i < more.length; i += 2) {
      params.put(more[i], more[i + 1]);
    }
    return PROXY.sts().unsigned("AssumeRoleWithLDAPIdentity", params);
  }

  private static AwsCli session(StsClient.Response r) throws Exception {
    assertEquals(200, r.status(), r.body());
    return admin.as(r.credentials("AssumeRoleWithLDAPIdentity"));
  }

  private static String arn(StsClient.Response r) throws Exception {
    return r.xml().path("AssumeRoleWithLDAPIdentityResult").path("AssumedRoleUser").path("Arn").asText();
  }

  private static void refused(StsClient.Response r, int status, String code) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.errorCode(), r.body());
  }

  private static void deniedAsAnyOther(StsClient.Response r) throws Exception {
    refused(r, 403, "AccessDenied");
    assertEquals("Not authorized to perform sts:AssumeRoleWithLDAPIdentity", r.errorMessage());
  }

  @Test
  void aGroupMembersSessionListsTheBucketButCannotPut() throws Exception {
    StsClient.Response r = login("alice", "alice-pw");
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ldap-readers/alice", arn(r), r.body());
    JsonNode result = r.xml().path("AssumeRoleWithLDAPIdentityResult");
    assertTrue(result.at("/AssumedRoleUser/AssumedRoleId").asText().endsWith(":alice"), r.body());
    assertTrue(result.at("/Credentials/AccessKeyId").asText().startsWith("ASIA"), r.body());
    Instant expires = Instant.parse(result.at("/Credentials/Expiration").asText());
    assertTrue(Math.abs(Duration.between(Instant.now().plusSeconds(3600), expires).getSeconds()) < 60, "" + expires);

    AwsCli alice = session(r);
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ldap-readers/alice",
        alice.ok("sts", "get-caller-identity").get("Arn").asText());
    var listed = alice.run("s3", "ls", "s3://ldap-bucket/docs/");
    assertEquals(0, listed.exitCode(), listed.all());
    assertTrue(listed.stdout().contains("file.txt"), listed.all());
    alice.fails("AccessDenied", "s3api", "put-object", "--bucket", "ldap-bucket", "--key", "docs/new.txt",
        "--body", PROXY.dataDir().resolve("file.txt").toString());
  }

  @Test
  void minioJavasOwnLdapProviderGetsASessionTheMinioClientUses() throws Exception {
    // MinIO's client, as its users call it: POST with the parameters in the query string.
    io.minio.credentials.Provider provider =
        new io.minio.credentials.LdapIdentityProvider(PROXY.endpoint(), "alice", "alice-pw", 900, null, null);
    io.minio.credentials.Credentials creds = provider.fetch();
    assertTrue(creds.accessKey().startsWith("ASIA"), creds.accessKey());
    io.minio.MinioClient minio = io.minio.MinioClient.builder().endpoint(PROXY.endpoint())
        .credentialsProvider(provider).region("us-east-1").build();
    int listed = 0;
    for (var item : minio.listObjects(io.minio.ListObjectsArgs.builder().bucket("ldap-bucket").prefix("docs/")
        .recursive(true).build())) {
      listed += item.get().objectName().equals("docs/file.txt") ? 1 : 0;
    }
    assertEquals(1, listed);
    io.minio.errors.ErrorResponseException denied = org.junit.jupiter.api.Assertions.assertThrows(
        io.minio.errors.ErrorResponseException.class, () -> minio.putObject(io.minio.PutObjectArgs.builder()
            .bucket("ldap-bucket").object("docs/minio.txt")
            .stream(new java.io.ByteArrayInputStream(new byte[] {1}), 1, -1).build()));
    assertEquals("AccessDenied", denied.errorResponse().code());
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> new io.minio.credentials.LdapIdentityProvider(PROXY.endpoint(), "alice", "wrong", null).fetch());
  }

  @Test
  void theFirstMappingInConfigurationOrderWinsUnlessRoleArnPicksAnother() throws Exception {
    // erin is in readers and writers: readers comes first.
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ldap-readers/erin", arn(login("erin", "erin-pw")));
    StsClient.Response writer = login("erin", "erin-pw", "RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/ldap-writers");
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ldap-writers/erin", arn(writer), writer.body());
    session(writer).ok("s3api", "put-object", "--bucket", "ldap-bucket", "--key", "docs/erin.txt",
        "--body", PROXY.dataDir().resolve("file.txt").toString());
    // bob's only group is writers; a role bob is not mapped to is refused even if named.
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ldap-writers/bob", arn(login("bob", "bob-pw")));
    deniedAsAnyOther(login("bob", "bob-pw", "RoleArn", "arn:aws:iam::" + ACCOUNT + ":role/ldap-readers"));
  }

  @Test
  void theTrustPolicySeesTheLdapKeys() throws Exception {
    String aliceOnly = "arn:aws:iam::" + ACCOUNT + ":role/ldap-alice-only";
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ldap-alice-only/alice",
        arn(login("alice", "alice-pw", "RoleArn", aliceOnly)));
    // erin maps to the role too (readers), but its trust policy names alice only.
    deniedAsAnyOther(login("erin", "erin-pw", "RoleArn", aliceOnly));
    // dave's mapping (by user DN, written in another case) names a role that does not trust LDAP users.
    deniedAsAnyOther(login("dave", "dave-pw"));
  }

  @Test
  void wrongPasswordUnknownUserUnmappedUserAndMissingRoleAreOneAnswer() throws Exception {
    deniedAsAnyOther(login("alice", "bob-pw"));
    deniedAsAnyOther(login("nobody", "nobody-pw"));
    deniedAsAnyOther(login("starfish", "starfish-pw")); // in no group, mapped by nothing
    deniedAsAnyOther(login("carol", "carol-pw")); // mapped to a role that does not exist
  }

  @Test
  void emptyCredentialsAndFilterSyntaxInTheUsernameAreRefusedBeforeTheDirectory() throws Exception {
    StsClient.Response empty = login("alice", "");
    refused(empty, 400, "ValidationError");
    assertTrue(empty.errorMessage().contains("LDAPPassword"), empty.body());
    refused(PROXY.sts().unsigned("AssumeRoleWithLDAPIdentity", Map.of("LDAPPassword", "x")), 400, "ValidationError");
    StsClient.Response injected = login("*)(uid=*", "alice-pw");
    refused(injected, 400, "ValidationError");
    assertTrue(injected.errorMessage().contains("LDAPUsername"), injected.body());
    refused(login("alice)(|(uid=*", "alice-pw"), 400, "ValidationError");
  }

  @Test
  void aSessionPolicyNarrowsTheRole() throws Exception {
    AwsCli narrowed = session(login("alice", "alice-pw", "Policy", """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""));
    narrowed.fails("AccessDenied", "s3api", "list-objects-v2", "--bucket", "ldap-bucket");
    assertEquals(0, narrowed.run("s3", "cp", "s3://ldap-bucket/docs/file.txt",
        PROXY.dataDir().resolve("copy.txt").toString()).exitCode());
    assertEquals("hello\n", Files.readString(PROXY.dataDir().resolve("copy.txt")));
  }

  @Test
  void anLdapSessionIsRevokedLikeAnyOther() throws Exception {
    StsClient.Response first = login("erin", "erin-pw");
    StsClient.Response second = login("erin", "erin-pw");
    String key = first.credentials("AssumeRoleWithLDAPIdentity").accessKeyId();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int exit = dev.tokengate.proxy.cli.RevokeCommand.run(java.util.List.of("--endpoint", PROXY.endpoint(),
        "--data-dir", PROXY.dataDir().toString(), "--session", key), Map.of(),
        new java.io.PrintStream(out, true), new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
    assertEquals(0, exit, out.toString());
    session(first).fails("AccessDenied", "s3api", "list-objects-v2", "--bucket", "ldap-bucket");
    assertEquals(0, session(second).run("s3api", "list-objects-v2", "--bucket", "ldap-bucket").exitCode());
  }

  @Test
  void durationSecondsIsBoundedByTheRole() throws Exception {
    StsClient.Response quarter = login("alice", "alice-pw", "DurationSeconds", "900");
    Instant expires = Instant.parse(quarter.xml().at("/AssumeRoleWithLDAPIdentityResult/Credentials/Expiration").asText());
    assertTrue(Math.abs(Duration.between(Instant.now().plusSeconds(900), expires).getSeconds()) < 60, "" + expires);
    refused(login("alice", "alice-pw", "DurationSeconds", "7200"), 400, "ValidationError");
    refused(login("alice", "alice-pw", "DurationSeconds", "60"), 400, "ValidationError");
  }

  @Test
  void aStoppedDirectoryIsIdpCommunicationErrorWithinBoundedTime() throws Exception {
    LDAP.stop();
    try {
      long start = System.nanoTime();
      StsClient.Response r = login("alice", "alice-pw");
      long took = System.nanoTime() - start;
      refused(r, 400, "IDPCommunicationError");
      assertTrue(took < TimeUnit.SECONDS.toNanos(10), "took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
    } finally {
      LDAP.start();
    }
    assertEquals(200, login("alice", "alice-pw").status());
  }
}
