package dev.tokengate.proxy.metrics;

import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.sts.ObservedQueryApi;
import dev.tokengate.proxy.sts.QueryApi;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import java.util.Set;

/**
 * Counts the calls a query API (STS, IAM) answers, by action and outcome ("success" or the wire
 * error code), and the sessions STS issues. An action the API does not know is counted as
 * "unknown": the name is the client's, not a bounded set.
 */
public final class MeteredQueryApi extends ObservedQueryApi {
  static final String SUCCESS = "success";
  static final String UNKNOWN_ACTION = "unknown";
  /** The STS actions whose success is a new session. */
  private static final Set<String> ISSUING = Set.of("GetSessionToken", "AssumeRole", "AssumeRoleWithWebIdentity",
      "AssumeRoleWithSAML", "GetFederationToken");

  private final String service;
  private final ProxyMetrics metrics;

  /** @param service the metric's name part: "sts" or "iam" */
  public MeteredQueryApi(QueryApi api, String service, ProxyMetrics metrics) {
    super(api);
    this.service = service;
    this.metrics = metrics;
  }

  @Override
  protected void completed(StsRequest request, Caller caller, CallFacts facts, String requestId, byte[] body,
      Throwable failure) {
    record(request.action(), failure);
  }

  private void record(String action, Throwable cause) {
    if (cause == null) {
      metrics.queryCall(service, action, SUCCESS);
      if (service.equals("sts") && ISSUING.contains(action)) {
        metrics.sessionIssued();
      }
    } else if (cause instanceof StsException e) {
      boolean unknown = e.error() == StsError.INVALID_ACTION || action == null || !action.matches("[A-Za-z]{1,64}");
      metrics.queryCall(service, unknown ? UNKNOWN_ACTION : action, e.error().code());
    } else {
      metrics.queryCall(service, action == null ? UNKNOWN_ACTION : action, "InternalError");
    }
  }
}
