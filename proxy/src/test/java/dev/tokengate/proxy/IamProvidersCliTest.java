package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.SamlIdpMetadata;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * IAM OpenID Connect and SAML providers with the real AWS CLI v2: their lifecycle, AWS's errors
 * (which change nothing), who may manage them, and that they survive a restart.
 */
@Timeout(300)
class IamProvidersCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWS = "/usr/bin/aws";
  private static final String TP1 = "0123456789abcdef0123456789abcdef01234567";
  private static final String TP2 = "89abcdef0123456789abcdef0123456789abcdef";

  @TempDir Path work;

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults();

  private CliRunner.Result aws(CliRunner as, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AWS, "--endpoint-url", proxy.endpoint(), "--region", "us-east-1",
        "--output", "json", "iam"));
    command.addAll(List.of(args));
    return as.run(work, command.toArray(String[]::new));
  }

  private static JsonNode ok(CliRunner.Result r) throws Exception {
    assertEquals(0, r.exitCode(), r.all());
    return r.stdout().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.stdout());
  }

  private static String fails(CliRunner.Result r, String code) {
    assertTrue(r.exitCode() != 0, r.all());
    assertTrue(r.stderr().contains("(" + code + ")"), "expected " + code + ": " + r.all());
    return r.stderr();
  }

  private CliRunner admin() {
    return new CliRunner(CliRunner.awsEnv(work, proxy.admin().accessKeyId(), proxy.admin().secretAccessKey()));
  }

  /** A user with a key and no policy at all. */
  private CliRunner nobody(CliRunner admin) throws Exception {
    ok(aws(admin, "create-user", "--user-name", "nobody"));
    JsonNode key = ok(aws(admin, "create-access-key", "--user-name", "nobody"));
    return new CliRunner(CliRunner.awsEnv(work, key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void oidcProvidersAreCreatedChangedListedAndDeletedAsOnAws() throws Exception {
    CliRunner admin = admin();
    String url = "https://issuer.tokengate.test/realms/main";
    String arn = "arn:aws:iam::123456789012:oidc-provider/issuer.tokengate.test/realms/main";
    JsonNode created = ok(aws(admin, "create-open-id-connect-provider", "--url", url, "--client-id-list", "app1",
        "app2", "--thumbprint-list", TP1, "--tags", "Key=team,Value=identity"));
    assertEquals(arn, created.get("OpenIDConnectProviderArn").asText());
    assertEquals("identity", created.at("/Tags/0/Value").asText());

    fails(aws(admin, "create-open-id-connect-provider", "--url", url, "--thumbprint-list", TP2), "EntityAlreadyExists");
    assertTrue(fails(aws(admin, "create-open-id-connect-provider", "--url", "http://plain.tokengate.test",
        "--thumbprint-list", TP1), "InvalidInput").contains("https://"));
    fails(aws(admin, "create-open-id-connect-provider", "--url", "https://other.tokengate.test:8443",
        "--thumbprint-list", TP1), "InvalidInput");
    fails(aws(admin, "create-open-id-connect-provider", "--url", "https://other.tokengate.test",
        "--thumbprint-list", "z".repeat(40)), "InvalidInput");
    fails(aws(admin, "create-open-id-connect-provider", "--url", "https://other.tokengate.test",
        "--thumbprint-list", TP1 + "0"), "ValidationError");
    fails(aws(admin, "create-open-id-connect-provider", "--url", "https://other.tokengate.test", "--thumbprint-list",
        TP1, TP2, "a".repeat(40), "b".repeat(40), "c".repeat(40), "d".repeat(40)), "InvalidInput");

    JsonNode got = ok(aws(admin, "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn));
    assertEquals("issuer.tokengate.test/realms/main", got.get("Url").asText(), "AWS answers without the scheme");
    assertEquals(List.of("app1", "app2"), texts(got.get("ClientIDList")));
    assertEquals(List.of(TP1), texts(got.get("ThumbprintList")));
    OffsetDateTime.parse(got.get("CreateDate").asText());
    assertEquals("team", got.at("/Tags/0/Key").asText());

    ok(aws(admin, "add-client-id-to-open-id-connect-provider", "--open-id-connect-provider-arn", arn,
        "--client-id", "app3"));
    ok(aws(admin, "add-client-id-to-open-id-connect-provider", "--open-id-connect-provider-arn", arn,
        "--client-id", "app3"));
    ok(aws(admin, "remove-client-id-from-open-id-connect-provider", "--open-id-connect-provider-arn", arn,
        "--client-id", "app1"));
    ok(aws(admin, "update-open-id-connect-provider-thumbprint", "--open-id-connect-provider-arn", arn,
        "--thumbprint-list", TP2, TP1));
    fails(aws(admin, "update-open-id-connect-provider-thumbprint", "--open-id-connect-provider-arn", arn,
        "--thumbprint-list", "not-hex-" + "0".repeat(32)), "InvalidInput");
    ok(aws(admin, "tag-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--tags",
        "Key=env,Value=test"));
    ok(aws(admin, "untag-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--tag-keys", "TEAM"));
    JsonNode tags = ok(aws(admin, "list-open-id-connect-provider-tags", "--open-id-connect-provider-arn", arn));
    assertEquals(1, tags.get("Tags").size(), tags.toString());
    assertEquals("env", tags.at("/Tags/0/Key").asText());

    ok(aws(admin, "create-open-id-connect-provider", "--url", "https://second.tokengate.test", "--thumbprint-list",
        TP1));
    List<String> arns = new ArrayList<>();
    ok(aws(admin, "list-open-id-connect-providers")).get("OpenIDConnectProviderList")
        .forEach(n -> arns.add(n.get("Arn").asText()));
    assertEquals(List.of(arn, "arn:aws:iam::123456789012:oidc-provider/second.tokengate.test"),
        arns.stream().sorted().toList());

    String missing = "arn:aws:iam::123456789012:oidc-provider/missing.tokengate.test";
    assertTrue(fails(aws(admin, "get-open-id-connect-provider", "--open-id-connect-provider-arn", missing),
        "NoSuchEntity").contains("OpenIDConnect Provider not found for arn " + missing));
    fails(aws(admin, "add-client-id-to-open-id-connect-provider", "--open-id-connect-provider-arn", missing,
        "--client-id", "x"), "NoSuchEntity");
    fails(aws(admin, "get-open-id-connect-provider", "--open-id-connect-provider-arn",
        "arn:aws:iam::999999999999:oidc-provider/issuer.tokengate.test/realms/main"), "NoSuchEntity");
    fails(aws(admin, "get-open-id-connect-provider", "--open-id-connect-provider-arn", "not-an-arn-but-long-enough"),
        "InvalidInput");

    CliRunner nobody = nobody(admin);
    fails(aws(nobody, "create-open-id-connect-provider", "--url", "https://third.tokengate.test",
        "--thumbprint-list", TP1), "AccessDenied");
    fails(aws(nobody, "list-open-id-connect-providers"), "AccessDenied");
    fails(aws(nobody, "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn), "AccessDenied");
    fails(aws(nobody, "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn), "AccessDenied");

    proxy.restart();
    admin = admin();
    got = ok(aws(admin, "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn));
    assertEquals(List.of("app2", "app3"), texts(got.get("ClientIDList")), "refused calls changed nothing");
    assertEquals(List.of(TP2, TP1), texts(got.get("ThumbprintList")));
    ok(aws(admin, "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn));
    fails(aws(admin, "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn), "NoSuchEntity");
    fails(aws(admin, "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn), "NoSuchEntity");
    assertEquals(1, ok(aws(admin, "list-open-id-connect-providers")).get("OpenIDConnectProviderList").size());
  }

  @Test
  void samlProvidersKeepTheirMetadataAndRefuseWhatIsNotMetadata() throws Exception {
    CliRunner admin = admin();
    String document = SamlIdpMetadata.document("https://idp.tokengate.test/saml");
    Path file = Files.writeString(work.resolve("idp.xml"), document, StandardCharsets.UTF_8);
    String arn = "arn:aws:iam::123456789012:saml-provider/Corp-IdP";
    JsonNode created = ok(aws(admin, "create-saml-provider", "--name", "Corp-IdP", "--saml-metadata-document",
        "file://" + file, "--tags", "Key=team,Value=identity"));
    assertEquals(arn, created.get("SAMLProviderArn").asText());
    fails(aws(admin, "create-saml-provider", "--name", "Corp-IdP", "--saml-metadata-document", "file://" + file),
        "EntityAlreadyExists");
    fails(aws(admin, "create-saml-provider", "--name", "has space", "--saml-metadata-document", "file://" + file),
        "ValidationError");

    Path noCert = Files.writeString(work.resolve("nocert.xml"), SamlIdpMetadata.document("urn:idp", "",
        "<!--" + "no key here ".repeat(100) + "-->"), StandardCharsets.UTF_8);
    assertTrue(fails(aws(admin, "create-saml-provider", "--name", "NoCert", "--saml-metadata-document",
        "file://" + noCert), "InvalidInput").contains("Could not parse metadata"));
    Path secret = Files.writeString(work.resolve("secret.txt"), "TOP-SECRET-CONTENT", StandardCharsets.UTF_8);
    Path xxe = Files.writeString(work.resolve("xxe.xml"), SamlIdpMetadata.document("&xxe;").replaceFirst("\\?>",
        "?>\n<!DOCTYPE md:EntityDescriptor [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"),
        StandardCharsets.UTF_8);
    String refused = fails(aws(admin, "create-saml-provider", "--name", "Xxe", "--saml-metadata-document",
        "file://" + xxe), "InvalidInput");
    assertFalse(refused.contains("TOP-SECRET"), refused);

    JsonNode got = ok(aws(admin, "get-saml-provider", "--saml-provider-arn", arn));
    assertEquals(document, got.get("SAMLMetadataDocument").asText());
    OffsetDateTime createDate = OffsetDateTime.parse(got.get("CreateDate").asText());
    assertEquals(createDate.plusYears(100), OffsetDateTime.parse(got.get("ValidUntil").asText()),
        "without a validUntil of its own, a hundred years, as on AWS");
    assertEquals("identity", got.at("/Tags/0/Value").asText());

    JsonNode list = ok(aws(admin, "list-saml-providers")).get("SAMLProviderList");
    assertEquals(1, list.size(), list.toString());
    assertEquals(arn, list.at("/0/Arn").asText());
    assertEquals(got.get("ValidUntil").asText(), list.at("/0/ValidUntil").asText());
    assertEquals(got.get("CreateDate").asText(), list.at("/0/CreateDate").asText());

    String renewed = SamlIdpMetadata.document("https://idp.tokengate.test/saml", "validUntil=\"2031-05-06T07:08:09Z\"",
        SamlIdpMetadata.keyDescriptor(null, SamlIdpMetadata.certificate()));
    Path renewedFile = Files.writeString(work.resolve("renewed.xml"), renewed, StandardCharsets.UTF_8);
    assertEquals(arn, ok(aws(admin, "update-saml-provider", "--saml-provider-arn", arn, "--saml-metadata-document",
        "file://" + renewedFile)).get("SAMLProviderArn").asText());
    fails(aws(admin, "update-saml-provider", "--saml-provider-arn", arn, "--saml-metadata-document",
        "file://" + noCert), "InvalidInput");
    ok(aws(admin, "tag-saml-provider", "--saml-provider-arn", arn, "--tags", "Key=env,Value=test"));
    ok(aws(admin, "untag-saml-provider", "--saml-provider-arn", arn, "--tag-keys", "team"));
    assertEquals("env", ok(aws(admin, "list-saml-provider-tags", "--saml-provider-arn", arn)).at("/Tags/0/Key")
        .asText());

    String missing = "arn:aws:iam::123456789012:saml-provider/Missing";
    assertTrue(fails(aws(admin, "get-saml-provider", "--saml-provider-arn", missing), "NoSuchEntity")
        .contains("Manifest not found for arn " + missing));
    fails(aws(admin, "update-saml-provider", "--saml-provider-arn", missing, "--saml-metadata-document",
        "file://" + file), "NoSuchEntity");
    fails(aws(admin, "delete-saml-provider", "--saml-provider-arn", missing), "NoSuchEntity");

    CliRunner nobody = nobody(admin);
    fails(aws(nobody, "create-saml-provider", "--name", "Mine", "--saml-metadata-document", "file://" + file),
        "AccessDenied");
    fails(aws(nobody, "list-saml-providers"), "AccessDenied");
    fails(aws(nobody, "get-saml-provider", "--saml-provider-arn", arn), "AccessDenied");

    proxy.restart();
    admin = admin();
    got = ok(aws(admin, "get-saml-provider", "--saml-provider-arn", arn));
    assertEquals(renewed, got.get("SAMLMetadataDocument").asText());
    assertEquals(OffsetDateTime.parse("2031-05-06T07:08:09Z"), OffsetDateTime.parse(got.get("ValidUntil").asText()));
    assertEquals(createDate, OffsetDateTime.parse(got.get("CreateDate").asText()));
    ok(aws(admin, "delete-saml-provider", "--saml-provider-arn", arn));
    fails(aws(admin, "get-saml-provider", "--saml-provider-arn", arn), "NoSuchEntity");
    assertEquals(0, ok(aws(admin, "list-saml-providers")).get("SAMLProviderList").size());
  }
}
