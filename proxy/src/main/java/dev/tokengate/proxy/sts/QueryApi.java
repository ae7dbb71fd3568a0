package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.identity.Caller;
import java.util.concurrent.CompletableFuture;

/** An AWS query-protocol API (STS, IAM) answered by the proxy itself. */
public interface QueryApi {

  /**
   * @param caller null for an unsigned call
   * @param facts where the call came from, for the global condition keys of its permission checks
   * @return the XML response document
   */
  byte[] handle(StsRequest request, Caller caller, CallFacts facts, String requestId) throws StsException;

  /**
   * The same, for actions that wait on something (AssumeRoleWithWebIdentity's key fetch): completes
   * with the document, or exceptionally with an {@link StsException}. By default at once.
   */
  default CompletableFuture<byte[]> handleAsync(StsRequest request, Caller caller, CallFacts facts, String requestId) {
    try {
      return CompletableFuture.completedFuture(handle(request, caller, facts, requestId));
    } catch (StsException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
