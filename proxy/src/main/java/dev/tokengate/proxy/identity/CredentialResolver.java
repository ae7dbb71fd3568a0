package dev.tokengate.proxy.identity;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.ParsedAuthorization;

/**
 * Finds the secret and caller behind an access key id: long-term {@code AKIA…} keys from the
 * identity store. A key it does not know gets 403 InvalidAccessKeyId.
 */
public class CredentialResolver {
  private final IdentityStore identities;

  public CredentialResolver(IdentityStore identities) {
    this.identities = identities;
  }

  public ResolvedCredential resolve(ParsedAuthorization auth) throws S3Exception {
    LongTermKey key =
        identities
            .findAccessKey(auth.accessKeyId())
            .orElseThrow(() -> new S3Exception(S3Error.INVALID_ACCESS_KEY_ID));
    return new ResolvedCredential(key.secretAccessKey(), Caller.of(key.owner(), identities.accountId()));
  }
}
