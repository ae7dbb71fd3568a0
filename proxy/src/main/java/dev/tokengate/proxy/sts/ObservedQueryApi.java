package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A query API (STS, IAM) whose every answered call is also seen by a subclass once it completes
 * (metrics, the audit trail), with the answer or the failure; the answer itself is unchanged.
 */
public abstract class ObservedQueryApi implements QueryApi {
  private final QueryApi api;

  protected ObservedQueryApi(QueryApi api) {
    this.api = api;
  }

  @Override
  public final byte[] handle(StsRequest request, Caller caller, CallFacts facts, String requestId)
      throws StsException {
    return api.handle(request, caller, facts, requestId);
  }

  @Override
  public final CompletableFuture<byte[]> handleAsync(StsRequest request, Caller caller, CallFacts facts,
      String requestId) {
    CompletableFuture<byte[]> answer;
    try {
      answer = api.handleAsync(request, caller, facts, requestId);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.whenComplete((body, error) -> completed(request, caller, facts, requestId, body,
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error));
  }

  /** @param failure null when the call succeeded ({@code body} then holds the answer) */
  protected abstract void completed(StsRequest request, Caller caller, CallFacts facts, String requestId, byte[] body,
      Throwable failure);
}
