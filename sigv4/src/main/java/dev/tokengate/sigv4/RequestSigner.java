package dev.tokengate.sigv4;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Signs an outbound request with SigV4 header auth (the proxy re-signing a forwarded request with
 * backend credentials). Shares the canonical request code with {@link SignatureVerifier}.
 */
public final class RequestSigner {

  private final SigningKeyCache keys;

  public RequestSigner(SigningKeyCache keys) {
    this.keys = keys;
  }

  /**
   * Computes the {@code Authorization} header value. Every header in {@code request} is signed, so
   * the caller puts in exactly the headers to sign, including {@code host}, {@code x-amz-date} and
   * {@code x-amz-content-sha256}; {@code rawPath}/{@code rawQuery} are as they will be sent.
   *
   * @param amzDate {@code yyyyMMdd'T'HHmmss'Z'}, equal to the x-amz-date header
   */
  public String authorization(
      SignedRequest request,
      String accessKeyId,
      String secretKey,
      String region,
      String service,
      String amzDate,
      String payloadHash) {
    List<String> signedHeaders = signedHeaders(request);
    CredentialScope scope = new CredentialScope(amzDate.substring(0, 8), region, service);
    String signature = signature(request, signedHeaders, secretKey, scope, amzDate, payloadHash);
    return StringToSign.ALGORITHM + " Credential=" + accessKeyId + "/" + scope
        + ", SignedHeaders=" + String.join(";", signedHeaders) + ", Signature=" + signature;
  }

  /** The hex signature over {@code signedHeaders} of {@code request} (header-auth canonical form). */
  public String signature(
      SignedRequest request,
      List<String> signedHeaders,
      String secretKey,
      CredentialScope scope,
      String amzDate,
      String payloadHash) {
    CanonicalRequest canonical = CanonicalRequest.of(request, signedHeaders, payloadHash, false);
    return StringToSign.of(amzDate, scope, canonical).sign(keys.signingKey(secretKey, scope));
  }

  /** Lower-case, de-duplicated, sorted names of every header in the request. */
  public static List<String> signedHeaders(SignedRequest request) {
    List<String> names = new ArrayList<>(request.headerNamesLowerCase());
    names.replaceAll(n -> n.toLowerCase(Locale.ROOT));
    names.sort(null);
    return names;
  }
}
