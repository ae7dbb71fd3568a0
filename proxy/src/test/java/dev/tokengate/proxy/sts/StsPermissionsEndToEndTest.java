package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's STS findings, reproduced with the AWS CLI v2 (/usr/bin/aws), with the backend read back
 * where a session could have written: session tags and source identity need {@code sts:TagSession}
 * and {@code sts:SetSourceIdentity}, reserved {@code aws:} tag keys are refused; a trust policy
 * naming the account root plus an identity Allow lets AssumeRole through; session credentials reach
 * only the IAM and STS calls AWS's table allows, and SimulatePrincipalPolicy's own check sees the
 * caller's MFA state; a TOTP code is single-use, also across a restart.
 */
@Timeout(600)
class StsPermissionsEndToEndTest {
  static final Credentials ALICE = Credentials.of("AKIAALICESTS00000001", "alice-sts-secret-alice-sts-secret-0000");
  static final Credentials TAGGER = Credentials.of("AKIATAGGERSTS0000001", "tagger-sts-secret-tagger-sts-secret-00");
  static final Credentials FRANK = Credentials.of("AKIAFRANKSTS00000001", "frank-sts-secret-frank-sts-secret-0000");
  static final Credentials GINA = Credentials.of("AKIAGINASTS000000001", "gina-sts-secret-gina-sts-secret-000000");
  static final Credentials CAROL = Credentials.of("AKIACAROLSTS00000001", "carol-sts-secret-carol-sts-secret-0000");
  static final Credentials MONA = Credentials.of("AKIAMONASTS000000001", "mona-sts-secret-mona-sts-secret-000000");
  static final String SEED = "JBSWY3DPEHPK3PXP";
  static final String SERIAL = "arn:aws:iam::123456789012:mfa/carol";
  /** A device of its own, so no other test spends its codes. */
  static final String MONA_SERIAL = "arn:aws:iam::123456789012:mfa/mona";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: alice
          tags: {team: blue}
          accessKeys: [{id: AKIAALICESTS00000001, secret: alice-sts-secret-alice-sts-secret-0000}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          policies:
            sts: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["sts:AssumeRole", "sts:GetFederationToken"], Resource: "*"}]}
        - name: tagger
          tags: {team: red}
          accessKeys: [{id: AKIATAGGERSTS0000001, secret: tagger-sts-secret-tagger-sts-secret-00}]
          policies:
            sts: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["sts:AssumeRole", "sts:GetFederationToken", "sts:TagSession", "sts:SetSourceIdentity"], Resource: "*"}]}
        - name: frank
          accessKeys: [{id: AKIAFRANKSTS00000001, secret: frank-sts-secret-frank-sts-secret-0000}]
          policies:
            assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/root-trust"}]}
        - name: gina
          accessKeys: [{id: AKIAGINASTS000000001, secret: gina-sts-secret-gina-sts-secret-000000}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        - name: carol
          mfaSecret: JBSWY3DPEHPK3PXP
          accessKeys: [{id: AKIACAROLSTS00000001, secret: carol-sts-secret-carol-sts-secret-0000}]
          policies:
            calls: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["sts:AssumeRole", "sts:GetFederationToken", "iam:SimulatePrincipalPolicy", "sts:GetAccessKeyInfo", "sts:DecodeAuthorizationMessage"], Resource: "*"}]}
        - name: mona
          mfaSecret: JBSWY3DPEHPK3PXP
          accessKeys: [{id: AKIAMONASTS000000001, secret: mona-sts-secret-mona-sts-secret-000000}]
          policies:
            calls: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
      roles:
        - name: teams            # trusts two users to assume it; tagging and source identity are left to their own policies
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/tagger"]}, Action: "sts:AssumeRole"}
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: ["sts:TagSession", "sts:SetSourceIdentity"]}
          policies:
            abac: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"}]}
        - name: root-trust
          trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: "sts:AssumeRole"}]}
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        - name: mfa-admin
          trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: ["arn:aws:iam::123456789012:user/carol", "arn:aws:iam::123456789012:user/mona"]}, Action: "sts:AssumeRole"}]}
          managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
          policies:
            mfa: {Version: "2012-10-17", Statement: [{Sid: NoIamWithoutMfa, Effect: Deny, Action: "iam:*", Resource: "*", Condition: {BoolIfExists: {"aws:MultiFactorAuthPresent": "false"}}}]}
      """);

  @TempDir Path dir;

  private CliRunner.Result aws(Credentials who, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", proxy.endpoint(), "--output", "json"));
    command.addAll(List.of(args));
    Map<String, String> env = CliRunner.awsEnv(dir, who.accessKeyId(), who.secretAccessKey());
    if (who.sessionToken() != null) {
      env.put("AWS_SESSION_TOKEN", who.sessionToken());
    }
    return new CliRunner(env).run(dir, command.toArray(String[]::new));
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertEquals(0, r.exitCode(), r.all());
    return r;
  }

  private static void refused(CliRunner.Result r, String code) {
    assertNotEquals(0, r.exitCode(), r.all());
    assertTrue(r.stderr().contains("(" + code + ")"), "expected " + code + ", exit " + r.exitCode() + ": " + r.all());
  }

  private static Credentials session(CliRunner.Result r) throws Exception {
    JsonNode c = JSON.readTree(r.stdout()).path("Credentials");
    return new Credentials(c.path("AccessKeyId").asText(), c.path("SecretAccessKey").asText(), c.path("SessionToken").asText());
  }

  private Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static final String TEAMS = "arn:aws:iam::123456789012:role/teams";

  @Test
  void sessionTagsNeedStsTagSession() throws Exception {
    assertEquals(200, proxy.adminClient().put("/teams", "").statusCode());
    Path body = file("body", "written by a session\n");
    // alice (team blue) may assume the role, but not re-tag herself red.
    refused(aws(ALICE, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1",
        "--tags", "Key=team,Value=red"), "AccessDenied");
    refused(aws(ALICE, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1",
        "--tags", "Key=team,Value=blue", "--transitive-tag-keys", "team"), "AccessDenied");
    refused(aws(ALICE, "sts", "get-federation-token", "--name", "fed", "--tags", "Key=team,Value=red",
        "--policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"),
        "AccessDenied");
    Credentials untagged = session(ok(aws(ALICE, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1")));
    refused(aws(untagged, "s3api", "put-object", "--bucket", "teams", "--key", "red/by-alice", "--body", body.toString()),
        "AccessDenied");
    // tagger holds sts:TagSession: its tag is what the role's ABAC policy sees.
    Credentials red = session(ok(aws(TAGGER, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1",
        "--tags", "Key=team,Value=red")));
    ok(aws(red, "s3api", "put-object", "--bucket", "teams", "--key", "red/by-tagger", "--body", body.toString()));
    refused(aws(red, "s3api", "put-object", "--bucket", "teams", "--key", "blue/by-tagger", "--body", body.toString()),
        "AccessDenied");
    // The reserved prefix, in any case.
    refused(aws(TAGGER, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1",
        "--tags", "Key=aws:team,Value=red"), "InvalidParameterValue");
    refused(aws(TAGGER, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1",
        "--tags", "Key=AWS:Team,Value=red"), "InvalidParameterValue");

    assertFalse(proxy.backend().exists("teams", "red/by-alice"));
    assertFalse(proxy.backend().exists("teams", "blue/by-tagger"));
    assertArrayEquals("written by a session\n".getBytes(StandardCharsets.UTF_8),
        proxy.backend().read("teams", "red/by-tagger").orElseThrow());
  }

  @Test
  void sourceIdentityNeedsStsSetSourceIdentity() throws Exception {
    refused(aws(ALICE, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1", "--source-identity", "alice"),
        "AccessDenied");
    CliRunner.Result tagged = ok(aws(TAGGER, "sts", "assume-role", "--role-arn", TEAMS, "--role-session-name", "s1",
        "--source-identity", "tagger"));
    assertEquals("tagger", JSON.readTree(tagged.stdout()).path("SourceIdentity").asText(), tagged.all());
  }

  @Test
  void aTrustPolicyNamingTheAccountRootDelegatesToIdentityPolicies() throws Exception {
    assertEquals(200, proxy.adminClient().put("/rootb", "").statusCode());
    assertEquals(200, proxy.adminClient().put("/rootb/readme", "via root trust").statusCode());
    Credentials frank = session(ok(aws(FRANK, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/root-trust",
        "--role-session-name", "frank")));
    CliRunner.Result who = ok(aws(frank, "sts", "get-caller-identity"));
    assertEquals("arn:aws:sts::123456789012:assumed-role/root-trust/frank", JSON.readTree(who.stdout()).path("Arn").asText());
    ok(aws(frank, "s3api", "get-object", "--bucket", "rootb", "--key", "readme", dir.resolve("out").toString()));
    assertEquals("via root trust", Files.readString(dir.resolve("out")));
    refused(aws(GINA, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/root-trust",
        "--role-session-name", "gina"), "AccessDenied");
  }

  @Test
  void sessionCredentialsReachOnlyTheCallsAwsAllows() throws Exception {
    String[] simulate = {"iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::123456789012:user/alice",
        "--action-names", "s3:GetObject"};
    ok(aws(CAROL, simulate));
    Credentials plain = session(ok(aws(CAROL, "sts", "get-session-token")));
    refused(aws(plain, simulate), "InvalidClientTokenId");
    refused(aws(plain, "sts", "get-access-key-info", "--access-key-id", CAROL.accessKeyId()), "AccessDenied");
    refused(aws(plain, "sts", "decode-authorization-message", "--encoded-message", "x"), "AccessDenied");
    ok(aws(plain, "sts", "get-caller-identity"));

    Credentials federated = session(ok(aws(CAROL, "sts", "get-federation-token", "--name", "cf", "--policy",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}")));
    refused(aws(federated, simulate), "InvalidClientTokenId");
    refused(aws(federated, "sts", "get-access-key-info", "--access-key-id", CAROL.accessKeyId()), "AccessDenied");

    // The role denies IAM without MFA: its check must see the session's MFA state.
    Credentials noMfa = session(ok(aws(CAROL, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/mfa-admin",
        "--role-session-name", "no-mfa")));
    CliRunner.Result denied = aws(noMfa, simulate);
    refused(denied, "AccessDenied");
    assertTrue(denied.stderr().contains("explicit deny"), denied.all());
    Credentials withMfa = session(ok(aws(CAROL, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/mfa-admin",
        "--role-session-name", "mfa", "--serial-number", SERIAL, "--token-code", code(0))));
    CliRunner.Result allowed = ok(aws(withMfa, simulate));
    assertEquals("allowed",
        JSON.readTree(allowed.stdout()).path("EvaluationResults").path(0).path("EvalDecision").asText(), allowed.all());
  }

  @Test
  void aTotpCodeIsSingleUseAcrossARestart() throws Exception {
    String code = code(0);
    ok(aws(MONA, "sts", "get-session-token", "--serial-number", MONA_SERIAL, "--token-code", code));
    CliRunner.Result again = aws(MONA, "sts", "get-session-token", "--serial-number", MONA_SERIAL, "--token-code", code);
    refused(again, "AccessDenied");
    assertTrue(again.stderr().contains("MultiFactorAuthentication failed"), again.all());
    refused(aws(MONA, "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/mfa-admin",
        "--role-session-name", "replay", "--serial-number", MONA_SERIAL, "--token-code", code), "AccessDenied");
    proxy.restart();
    refused(aws(MONA, "sts", "get-session-token", "--serial-number", MONA_SERIAL, "--token-code", code), "AccessDenied");
    ok(aws(MONA, "sts", "get-session-token", "--serial-number", MONA_SERIAL, "--token-code", nextUnusedCode(code)));
  }

  /** The code of the current step, computed as an authenticator app would. */
  private static String code(int offset) {
    return new Totp(6).code(Totp.base32(SEED), Instant.now().getEpochSecond() / 30 + offset);
  }

  /** The first code after {@code used} inside the drift window: the next step's, unless time moved on. */
  private static String nextUnusedCode(String used) {
    String now = code(0);
    return now.equals(used) ? code(1) : now;
  }
}
