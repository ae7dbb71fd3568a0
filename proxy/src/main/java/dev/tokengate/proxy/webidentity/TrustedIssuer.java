package dev.tokengate.proxy.webidentity;

import java.util.List;

/**
 * An OIDC issuer the account trusts, as verification needs it.
 *
 * @param url the registered issuer URL ({@code https://HOST[/PATH]}), from which discovery is fetched
 * @param clientIds the audiences a token may carry
 * @param anyAudience whether a token of any audience is taken: Ceph RGW's rule for a provider
 *     registered without client ids (AWS takes none then), used only in its tenant-less dialect
 */
public record TrustedIssuer(String url, List<String> clientIds, boolean anyAudience) {
  public TrustedIssuer {
    clientIds = List.copyOf(clientIds);
  }

  /** AWS's rule: the token's {@code aud} (else {@code azp}) must be one of {@code clientIds}. */
  public TrustedIssuer(String url, List<String> clientIds) {
    this(url, clientIds, false);
  }
}
