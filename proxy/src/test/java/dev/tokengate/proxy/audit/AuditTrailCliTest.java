package dev.tokengate.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.CliRunner;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail of an AWS CLI run (GetSessionToken, AssumeRole, ls, cp, a denied cp): every
 * line parses as a CloudTrail-shaped JSON record naming the caller (the assumed-role session, the
 * access key id) and the outcome, and no line holds a secret key or a session token of the run.
 */
@Timeout(240)
class AuditTrailCliTest {
  static final String ACCOUNT = "123456789012";
  static final Credentials DEV = Credentials.of("AKIAAUDITDEV00000001", "audit-secret-audit-secret-audit-secr-0");
  static final Path AUDIT = auditFile();
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      audit: {file: "%s"}
      users:
        - name: dev
          accessKeys: [{id: %s, secret: %s}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
          policies:
            assume:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/reader"}
      roles:
        - name: reader
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/dev"}, Action: "sts:AssumeRole"}
      """.formatted(AUDIT, DEV.accessKeyId(), DEV.secretAccessKey()));

  @TempDir Path work;

  static Path auditFile() {
    try {
      return Files.createTempDirectory("tokengate-audit").resolve("audit.log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Credentials credentials(JsonNode answer) {
    JsonNode c = answer.get("Credentials");
    return new Credentials(c.get("AccessKeyId").asText(), c.get("SecretAccessKey").asText(),
        c.get("SessionToken").asText());
  }

  @Test
  void aClientRunIsRecordedLineByLineWithWhoAndOutcomeAndNoSecret() throws Exception {
    AwsCli dev = new AwsCli(proxy.endpoint(), work, DEV);
    Credentials session = credentials(dev.ok("sts", "get-session-token", "--duration-seconds", "900"));
    Credentials role = credentials(dev.ok("sts", "assume-role", "--role-arn", "arn:aws:iam::" + ACCOUNT
        + ":role/reader", "--role-session-name", "auditor"));
    dev.ok("s3api", "create-bucket", "--bucket", "audited");
    Path file = Files.writeString(work.resolve("f.txt"), "audited bytes\n");
    CliRunner.Result cp = dev.run("s3", "cp", file.toString(), "s3://audited/f.txt");
    assertEquals(0, cp.exitCode(), cp.all());
    AwsCli reader = dev.as(role);
    CliRunner.Result ls = reader.run("s3", "ls", "s3://audited/");
    assertEquals(0, ls.exitCode(), ls.all());
    CliRunner.Result denied = reader.run("s3", "cp", file.toString(), "s3://audited/g.txt");
    assertTrue(denied.exitCode() != 0 && denied.all().contains("AccessDenied"), denied.all());

    List<JsonNode> records = awaitRecords(r -> "PutObject".equals(r.path("eventName").asText())
        && "AccessDenied".equals(r.path("errorCode").asText()));
    for (JsonNode r : records) {
      for (String field : List.of("eventVersion", "eventTime", "eventSource", "eventName", "awsRegion",
          "sourceIPAddress", "requestID", "eventID", "userIdentity", "readOnly")) {
        assertTrue(r.has(field), field + " in " + r);
      }
    }
    JsonNode sts = find(records, r -> "GetSessionToken".equals(r.path("eventName").asText()));
    assertEquals("sts.amazonaws.com", sts.path("eventSource").asText());
    assertEquals(DEV.accessKeyId(), sts.at("/userIdentity/accessKeyId").asText());
    assertEquals("IAMUser", sts.at("/userIdentity/type").asText());
    assertEquals(session.accessKeyId(), sts.at("/responseElements/AccessKeyId").asText(), sts.toString());
    JsonNode assumed = find(records, r -> "AssumeRole".equals(r.path("eventName").asText()));
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/reader/auditor",
        assumed.at("/responseElements/Arn").asText(), assumed.toString());

    JsonNode put = find(records, r -> "PutObject".equals(r.path("eventName").asText())
        && r.path("httpStatus").asInt() == 200);
    assertEquals("s3.amazonaws.com", put.path("eventSource").asText());
    assertEquals("audited", put.at("/requestParameters/bucketName").asText());
    assertEquals("f.txt", put.at("/requestParameters/key").asText());
    assertEquals(DEV.accessKeyId(), put.at("/userIdentity/accessKeyId").asText());
    assertFalse(put.has("errorCode"), put.toString());
    assertEquals(14, put.at("/additionalEventData/bytesTransferredIn").asLong(), put.toString());

    JsonNode list = find(records, r -> "ListObjectsV2".equals(r.path("eventName").asText()));
    assertSession(list, role);
    assertTrue(list.path("readOnly").asBoolean());
    JsonNode refused = find(records, r -> "PutObject".equals(r.path("eventName").asText())
        && "AccessDenied".equals(r.path("errorCode").asText()));
    assertSession(refused, role);
    assertEquals(403, refused.path("httpStatus").asInt());
    assertEquals("g.txt", refused.at("/requestParameters/key").asText());

    String all = Files.readString(AUDIT, StandardCharsets.UTF_8);
    for (String secret : List.of(DEV.secretAccessKey(), session.secretAccessKey(), session.sessionToken(),
        role.secretAccessKey(), role.sessionToken())) {
      assertFalse(all.contains(secret), "a secret or token is in the audit trail");
    }
    assertFalse(all.contains("Signature="), "no signature in the audit trail");
  }

  private static void assertSession(JsonNode r, Credentials role) {
    assertEquals("AssumedRole", r.at("/userIdentity/type").asText(), r.toString());
    assertEquals("arn:aws:sts::" + ACCOUNT + ":assumed-role/reader/auditor", r.at("/userIdentity/arn").asText());
    assertEquals(role.accessKeyId(), r.at("/userIdentity/accessKeyId").asText());
    assertEquals("arn:aws:iam::" + ACCOUNT + ":role/reader",
        r.at("/userIdentity/sessionContext/sessionIssuer/arn").asText(), r.toString());
    assertEquals("false", r.at("/userIdentity/sessionContext/attributes/mfaAuthenticated").asText());
  }

  /** The trail is written off the event loop: wait (bounded) for the record that comes last. */
  private static List<JsonNode> awaitRecords(Predicate<JsonNode> last) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.clear();
      if (Files.exists(AUDIT)) {
        for (String line : Files.readAllLines(AUDIT, StandardCharsets.UTF_8)) {
          records.add(JSON.readTree(line)); // every line must parse on its own
        }
      }
      if (records.stream().anyMatch(last)) {
        return records;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the last record never came: " + records);
  }

  private static JsonNode find(List<JsonNode> records, Predicate<JsonNode> which) {
    return records.stream().filter(which).findFirst()
        .orElseThrow(() -> new AssertionError("no such record in " + records));
  }
}
