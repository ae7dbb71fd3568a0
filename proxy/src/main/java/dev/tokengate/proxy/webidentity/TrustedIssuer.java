package dev.tokengate.proxy.webidentity;

import java.util.List;

/**
 * An OIDC issuer the account trusts, as verification needs it.
 *
 * @param url the registered issuer URL ({@code https://HOST[/PATH]}), from which discovery is fetched
 * @param clientIds the audiences a token may carry
 */
public record TrustedIssuer(String url, List<String> clientIds) {
  public TrustedIssuer {
    clientIds = List.copyOf(clientIds);
  }
}
