package dev.tokengate.proxy.s3.post;

import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.identity.ResolvedCredential;
import dev.tokengate.proxy.s3.AuthFailureMapper;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.PostPolicySignature;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates a browser-form upload: the key (long-term, or a session's with its token field),
 * the policy's signature, then the policy itself (expiry, every condition, every field covered, the
 * file's size). An unsigned form is anonymous; only a grant to everyone can then allow it.
 */
public final class PostObjectAuthenticator {
  private final CredentialResolver credentials;
  private final boolean acceptSigV2;
  private final Set<String> regions;
  private final Clock clock;

  public PostObjectAuthenticator(CredentialResolver credentials, boolean acceptSigV2, Set<String> regions, Clock clock) {
    this.credentials = credentials;
    this.acceptSigV2 = acceptSigV2;
    this.regions = regions;
    this.clock = clock;
  }

  /** @return the caller the upload is authorized as */
  public Caller authenticate(PostUpload upload, long fileLength) throws S3Exception {
    PostUpload.Signature s = upload.signature();
    if (s == null) {
      return Caller.anonymous();
    }
    if (s instanceof PostUpload.V2 && !acceptSigV2) {
      throw new S3Exception(S3Error.INVALID_REQUEST, "Please use AWS4-HMAC-SHA256.");
    }
    if (s instanceof PostUpload.V4 v4 && !regions.contains(v4.scope().region())) {
      String expected = regions.iterator().next();
      throw new S3Exception(S3Error.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
          "Error parsing the X-Amz-Credential parameter; the region '" + v4.scope().region() + "' is wrong; expecting '"
              + expected + "'", Map.of("Region", expected));
    }
    ResolvedCredential resolved = credentials.resolve(s.accessKeyId(), s.securityToken());
    try {
      if (s instanceof PostUpload.V4 v4) {
        PostPolicySignature.verifyV4(resolved.secretAccessKey(), v4.scope(), v4.policy(), v4.signature());
      } else {
        PostPolicySignature.verifyV2(resolved.secretAccessKey(), s.policy(), ((PostUpload.V2) s).signature());
      }
    } catch (AuthenticationException e) {
      throw AuthFailureMapper.toS3(e);
    }
    credentials.authenticated(s.accessKeyId(), "s3",
        s instanceof PostUpload.V4 v4 ? v4.scope().region() : regions.iterator().next());
    PostPolicy policy = PostPolicy.parse(s.policy());
    policy.check(upload.fields(), clock.instant());
    policy.checkContentLength(fileLength);
    return resolved.caller();
  }
}
