package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.identity.Caller;

/** An AWS query-protocol API (STS, IAM) answered by the proxy itself. */
public interface QueryApi {

  /**
   * @param caller null for an unsigned call
   * @return the XML response document
   */
  byte[] handle(StsRequest request, Caller caller, String requestId) throws StsException;
}
