package dev.tokengate.proxy.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.config.AuditConfig;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * The audit trail: one JSON line per S3 request and per STS/IAM call, shaped like a CloudTrail
 * record (eventVersion, eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
 * userAgent, userIdentity, requestParameters, responseElements, errorCode, errorMessage,
 * requestID, eventID, readOnly, bytesTransferredIn/Out), so tools that read CloudTrail read it.
 * Only identifiers go in: never a secret key, a session token, a signature or a password.
 */
public final class AuditTrail implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AuditTrail OFF = new AuditTrail(null, null, null);

  private final AuditWriter writer;
  private final String region;
  private final Clock clock;

  private AuditTrail(AuditWriter writer, String region, Clock clock) {
    this.writer = writer;
    this.region = region;
    this.clock = clock;
  }

  public static AuditTrail off() {
    return OFF;
  }

  public static AuditTrail open(AuditConfig config, String region, Clock clock) throws IOException {
    return new AuditTrail(new AuditWriter(config.stdout() ? null : Path.of(config.file()), config.maxFileBytes(),
        config.keepFiles()), region, clock);
  }

  public boolean enabled() {
    return writer != null;
  }

  /** What an S3 request did; {@code errorCode} null when it succeeded. */
  public record S3Event(String eventName, Caller caller, String bucket, String key, SocketAddress remote,
      String userAgent, String requestId, int status, String errorCode, boolean readOnly, long bytesIn,
      long bytesOut) {}

  public void s3(S3Event e) {
    if (writer == null) {
      return;
    }
    ObjectNode r = common("s3.amazonaws.com", e.eventName(), e.caller(), e.remote(), e.userAgent(), e.requestId());
    ObjectNode params = r.putObject("requestParameters");
    if (e.bucket() != null && !e.bucket().isEmpty()) {
      params.put("bucketName", e.bucket());
    }
    if (e.key() != null && !e.key().isEmpty()) {
      params.put("key", e.key());
    }
    r.putNull("responseElements");
    if (e.errorCode() != null) {
      r.put("errorCode", e.errorCode());
    }
    r.put("httpStatus", e.status());
    r.put("readOnly", e.readOnly());
    ObjectNode bytes = r.putObject("additionalEventData");
    bytes.put("bytesTransferredIn", e.bytesIn());
    bytes.put("bytesTransferredOut", e.bytesOut());
    r.put("eventType", "AwsApiCall");
    writer.offer(r.toString());
  }

  /**
   * An STS or IAM call. {@code responseElements} holds identifiers only (the caller gives the
   * access key id and expiration of issued credentials, never their secret or token).
   */
  public void query(String service, String action, Caller caller, SocketAddress remote, String userAgent,
      String requestId, String errorCode, String errorMessage, Map<String, String> responseElements) {
    if (writer == null) {
      return;
    }
    ObjectNode r = common(service + ".amazonaws.com", action, caller, remote, userAgent, requestId);
    r.putObject("requestParameters");
    if (responseElements == null || responseElements.isEmpty()) {
      r.putNull("responseElements");
    } else {
      ObjectNode out = r.putObject("responseElements");
      responseElements.forEach(out::put);
    }
    if (errorCode != null) {
      r.put("errorCode", errorCode);
      r.put("errorMessage", errorMessage);
    }
    r.put("readOnly", action != null && (action.startsWith("Get") || action.startsWith("List")));
    r.put("eventType", "AwsApiCall");
    writer.offer(r.toString());
  }

  private ObjectNode common(String source, String eventName, Caller caller, SocketAddress remote, String userAgent,
      String requestId) {
    ObjectNode r = JSON.createObjectNode();
    r.put("eventVersion", "1.09");
    r.set("userIdentity", identity(caller));
    r.put("eventTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    r.put("eventSource", source);
    r.put("eventName", eventName);
    r.put("awsRegion", region);
    r.put("sourceIPAddress", remote instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : String.valueOf(remote));
    r.put("userAgent", userAgent);
    r.put("requestID", requestId);
    r.put("eventID", UUID.randomUUID().toString());
    return r;
  }

  static ObjectNode identity(Caller caller) {
    ObjectNode id = JSON.createObjectNode();
    if (caller == null || caller.isAnonymous()) {
      id.put("type", "AWSAccount");
      id.put("principalId", "");
      id.put("accountId", "anonymous");
      return id;
    }
    PrincipalType type = caller.principal().type();
    id.put("type", switch (type) {
      case USER -> "IAMUser";
      case ACCOUNT -> "Root";
      default -> type.awsName();
    });
    id.put("principalId", caller.principal().userId());
    id.put("arn", caller.arn());
    id.put("accountId", caller.principal().accountId());
    Session s = caller.session();
    id.put("accessKeyId", s != null ? s.accessKeyId() : caller.longTermKeyId());
    if (caller.user() != null && s == null) {
      id.put("userName", caller.user().name());
    }
    if (s != null) {
      ObjectNode context = id.putObject("sessionContext");
      if (caller.role() != null) {
        ObjectNode issuer = context.putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("principalId", caller.role().roleId());
        issuer.put("arn", caller.role().arn());
        issuer.put("accountId", caller.principal().accountId());
        issuer.put("userName", caller.role().name());
      } else if (caller.user() != null) {
        ObjectNode issuer = context.putObject("sessionIssuer");
        issuer.put("type", "IAMUser");
        issuer.put("arn", caller.user().principal().arn());
        issuer.put("userName", caller.user().name());
      }
      ObjectNode attributes = context.putObject("attributes");
      attributes.put("creationDate", s.issuedAt() == null ? null : s.issuedAt().truncatedTo(ChronoUnit.SECONDS).toString());
      attributes.put("mfaAuthenticated", Boolean.toString(caller.mfaAuthenticated()));
      if (s.sourceIdentity() != null) {
        context.put("sourceIdentity", s.sourceIdentity());
      }
    }
    return id;
  }

  public long dropped() {
    return writer == null ? 0 : writer.dropped();
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
  }
}
