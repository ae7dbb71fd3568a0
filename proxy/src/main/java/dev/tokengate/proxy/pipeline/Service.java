package dev.tokengate.proxy.pipeline;

/** Which API a request speaks, which decides its handler and its error format. */
public enum Service {
  /** The S3 REST API: XML {@code <Error>} bodies. */
  S3,
  /** The STS query protocol: {@code <ErrorResponse>} bodies. */
  STS,
  /** The IAM query protocol (SimulatePrincipalPolicy): {@code <ErrorResponse>} bodies. */
  IAM
}
