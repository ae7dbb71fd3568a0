package dev.tokengate.proxy.audit;

import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.sts.ObservedQueryApi;
import dev.tokengate.proxy.sts.QueryApi;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records every call a query API (STS, IAM) answers in the audit trail, with its outcome. Of the
 * answer it keeps identifiers only: the issued access key id, the expiration and the session or
 * user ARN; secrets and session tokens never leave the answer.
 */
public final class AuditedQueryApi extends ObservedQueryApi {
  /** Answer elements worth an audit line; none of them is secret. */
  private static final Pattern KEPT = Pattern.compile(
      "<(AccessKeyId|Expiration|Arn|AssumedRoleId|FederatedUserId|SubjectFromWebIdentityToken|Subject|UserId|Account)>"
          + "([^<]{1,2048})</");

  private final String service;
  private final AuditTrail trail;

  /** @param service "sts" or "iam" (the event source's name) */
  public AuditedQueryApi(QueryApi api, String service, AuditTrail trail) {
    super(api);
    this.service = service;
    this.trail = trail;
  }

  @Override
  protected void completed(StsRequest request, Caller caller, CallFacts facts, String requestId, byte[] body,
      Throwable failure) {
    if (!trail.enabled()) {
      return;
    }
    String code = null;
    String message = null;
    if (failure instanceof StsException e) {
      code = e.error().code();
      message = e.getMessage();
    } else if (failure != null) {
      code = "InternalError";
      message = "We encountered an internal error. Please try again.";
    }
    trail.query(service, request.action(), caller, facts.remote(), facts.userAgent(), requestId, code, message,
        body == null ? null : kept(body));
  }

  static Map<String, String> kept(byte[] body) {
    Map<String, String> kept = new LinkedHashMap<>();
    Matcher m = KEPT.matcher(new String(body, StandardCharsets.UTF_8));
    while (m.find()) {
      kept.putIfAbsent(m.group(1), m.group(2));
    }
    return kept;
  }
}
