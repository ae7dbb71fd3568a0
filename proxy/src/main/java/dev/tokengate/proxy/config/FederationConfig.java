package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Web identity federation (AssumeRoleWithWebIdentity).
 *
 * <pre>
 * federation:
 *   allowInsecureHttpIssuers: false   # true: OIDC providers may be http:// (and have a port);
 *                                     # tests and s3-tests' Keycloak only, never in production
 * </pre>
 *
 * <p>The environment variable {@code TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS=true} turns it on too,
 * for a test run that cannot edit the file.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record FederationConfig(@JsonProperty("allowInsecureHttpIssuers") Boolean allowInsecureHttpIssuers) {
  static final String INSECURE_ENV = "TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS";

  public FederationConfig {
    allowInsecureHttpIssuers = (allowInsecureHttpIssuers != null && allowInsecureHttpIssuers)
        || "true".equalsIgnoreCase(System.getenv(INSECURE_ENV));
  }

  public static FederationConfig defaults() {
    return new FederationConfig(null);
  }
}
