package dev.tokengate.sigv4;

/** Where a request carries its signature. */
public enum AuthStyle {
  /** {@code Authorization} header. */
  HEADER,
  /** Presigned URL query parameters. */
  QUERY
}
