package dev.tokengate.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.ProxyServer;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.OidcIssuer;
import dev.tokengate.proxy.harness.SamlIdp;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers declared in the configuration file: federation trusts them with no IAM call, the
 * IAM API lists and reads them but cannot change, delete or re-create them, and a metadata file
 * that cannot be used stops the start naming the provider.
 */
@Timeout(300)
class ConfiguredProvidersTest {
  static final String ACCOUNT = "123456789012";
  static final MutableClock clock = MutableClock.ticking();
  static final OidcIssuer issuer = start();
  static final SamlIdp idp = SamlIdp.create("https://idp.file.tokengate.test/saml");
  static final Path metadataDir = tempDir();
  static final String OIDC_ARN = "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + issuer.hostAndPath();
  static final String SAML_ARN = "arn:aws:iam::" + ACCOUNT + ":saml-provider/FileIdP";

  static final String CONFIG = """
      federation:
        allowInsecureHttpIssuers: true
        oidcProviders:
          - {url: "%1$s", clientIds: [ci-app], thumbprints: [0123456789abcdef0123456789abcdef01234567]}
        samlProviders:
          - {name: FileIdP, metadataFile: "%2$s"}
      roles:
        - name: ci
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Federated: ["%3$s", "%4$s"]}
                Action: ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]
      """.formatted(issuer.url(), writeMetadata(), OIDC_ARN, SAML_ARN);

  @RegisterExtension static final TokengateExtension proxy = TokengateExtension.withConfig(CONFIG).clock(clock);

  @TempDir static Path work;
  static AwsCli admin;

  static OidcIssuer start() {
    try {
      return OidcIssuer.start(clock);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("tokengate-idp");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String writeMetadata() {
    try {
      return Files.writeString(metadataDir.resolve("file-idp.xml"), idp.metadata()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void setUp() {
    admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
  }

  @AfterAll
  static void tearDown() throws IOException {
    issuer.close();
    Files.deleteIfExists(metadataDir.resolve("file-idp.xml"));
    Files.deleteIfExists(metadataDir);
  }

  @Test
  void webIdentityAndSamlTrustTheFilesProvidersWithNoIamCall() throws Exception {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/ci";
    JsonNode web = admin.ok("sts", "assume-role-with-web-identity", "--role-arn", role, "--role-session-name", "job",
        "--web-identity-token", issuer.rs256(issuer.claims("repo:main", "ci-app").build()));
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/ci/job", web.at("/AssumedRoleUser/Arn").asText());
    StsClient.Response wrongAudience = proxy.sts().unsigned("AssumeRoleWithWebIdentity", Map.of("RoleArn", role,
        "RoleSessionName", "job", "WebIdentityToken", issuer.rs256(issuer.claims("repo:main", "other").build())));
    assertEquals("InvalidIdentityToken", wrongAudience.errorCode(), wrongAudience.body());

    Map<String, String> params = new LinkedHashMap<>();
    params.put("RoleArn", role);
    params.put("PrincipalArn", SAML_ARN);
    params.put("SAMLAssertion", idp.response(proxy.clock(), "carol@corp").roles(role + "," + SAML_ARN)
        .sessionName("carol").base64());
    StsClient.Response saml = proxy.sts().unsigned("AssumeRoleWithSAML", params);
    assertEquals(200, saml.status(), saml.body());
    assertTrue(saml.body().contains("assumed-role/ci/carol"), saml.body());
  }

  @Test
  void theIamApiListsAndReadsThemButCannotChangeThem() throws Exception {
    assertTrue(admin.ok("iam", "list-open-id-connect-providers").toString().contains(OIDC_ARN));
    JsonNode oidc = admin.ok("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", OIDC_ARN);
    assertEquals(issuer.hostAndPath(), oidc.get("Url").asText());
    assertEquals("ci-app", oidc.at("/ClientIDList/0").asText());
    admin.fails("UnmodifiableEntity", "iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn",
        OIDC_ARN);
    admin.fails("UnmodifiableEntity", "iam", "add-client-id-to-open-id-connect-provider",
        "--open-id-connect-provider-arn", OIDC_ARN, "--client-id", "more");
    admin.fails("EntityAlreadyExists", "iam", "create-open-id-connect-provider", "--url", issuer.url(),
        "--client-id-list", "x", "--thumbprint-list", "0123456789abcdef0123456789abcdef01234567");

    assertTrue(admin.ok("iam", "list-saml-providers").toString().contains(SAML_ARN));
    JsonNode saml = admin.ok("iam", "get-saml-provider", "--saml-provider-arn", SAML_ARN);
    assertTrue(saml.get("SAMLMetadataDocument").asText().contains(idp.entityId()), saml.toString());
    admin.fails("UnmodifiableEntity", "iam", "delete-saml-provider", "--saml-provider-arn", SAML_ARN);
    admin.fails("UnmodifiableEntity", "iam", "tag-saml-provider", "--saml-provider-arn", SAML_ARN,
        "--tags", "Key=a,Value=b");
    Path meta = Files.writeString(work.resolve("m.xml"), idp.metadata());
    admin.fails("EntityAlreadyExists", "iam", "create-saml-provider", "--name", "FileIdP",
        "--saml-metadata-document", "file://" + meta);
    // The file's providers are still there, and the API's own ones still work beside them.
    admin.ok("iam", "create-saml-provider", "--name", "ApiIdP", "--saml-metadata-document", "file://" + meta);
    String listed = admin.ok("iam", "list-saml-providers").toString();
    assertTrue(listed.contains(SAML_ARN) && listed.contains(":saml-provider/ApiIdP"), listed);
    admin.ok("iam", "delete-saml-provider", "--saml-provider-arn", "arn:aws:iam::" + ACCOUNT + ":saml-provider/ApiIdP");
  }

  @Test
  void aMetadataFileThatCannotBeUsedStopsTheStartNamingTheProvider(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.xml"), "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>");
    for (String file : new String[] {bad.toString(), dir.resolve("missing.xml").toString()}) {
      Path config = Files.writeString(dir.resolve("c.yaml"), """
          listen: 127.0.0.1:0
          dataDir: %s
          federation:
            samlProviders: [{name: Broken, metadataFile: "%s"}]
          """.formatted(dir.resolve("data"), file));
      IOException e = assertThrows(IOException.class, () -> {
        try (ProxyServer ignored = ProxyServer.start(ProxyConfig.load(config), Clock.systemUTC())) {
          // must not start
        }
      });
      assertTrue(e.getMessage().contains("federation.samlProviders[0] (Broken)"), e.getMessage());
      assertFalse(e.getMessage().contains("root:"), "the entity was not resolved: " + e.getMessage());
    }
  }
}
