package dev.tokengate.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Verifies a SigV4 header or presigned request against the secret of its access key: time window
 * (±15 min skew for header auth; X-Amz-Date..+Expires for presigned), signed-header rules (host and
 * every x-amz-* header must be signed), canonical request from the raw request (S3 rules: no path
 * normalisation, no double encoding), string to sign, constant-time compare.
 */
public final class SignatureVerifier {

  /** The clock skew S3 allows for header auth and for presigned URLs dated in the future. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private final Clock clock;
  private final SigningKeyCache keys;

  public SignatureVerifier(Clock clock, SigningKeyCache keys) {
    this.clock = clock;
    this.keys = keys;
  }

  /**
   * @throws AuthenticationException REQUEST_TIME_TOO_SKEWED, PRESIGN_EXPIRED, PRESIGN_NOT_YET_VALID,
   *     HEADERS_NOT_SIGNED, SIGNATURE_MISMATCH (details: StringToSign, CanonicalRequest, …),
   *     INVALID_CONTENT_SHA256, MISSING_CONTENT_SHA256 (no payload hash known: see the overload)
   */
  public VerifiedRequest verify(SignedRequest request, SigV4Authorization auth, String secretKey)
      throws AuthenticationException {
    return verify(request, auth, secretKey, null);
  }

  /**
   * Same, for requests whose client signed the SHA-256 of the body without sending it (STS/IAM):
   * {@code bodySha256Hex} is used as the payload line when {@link SigV4Authorization#payloadHash()}
   * is null, and ignored otherwise.
   */
  public VerifiedRequest verify(
      SignedRequest request, SigV4Authorization auth, String secretKey, String bodySha256Hex)
      throws AuthenticationException {
    String payloadHash = auth.payloadHash() != null ? auth.payloadHash() : bodySha256Hex;
    if (payloadHash == null) {
      throw new AuthenticationException(
          AuthFailure.MISSING_CONTENT_SHA256,
          "Your request was missing a required header: x-amz-content-sha256");
    }
    PayloadMode mode = PayloadMode.of(payloadHash);
    checkTime(auth);
    checkSignedHeaders(request, auth);

    CanonicalRequest canonical =
        CanonicalRequest.of(request, auth.signedHeaders(), payloadHash, auth.isPresigned());
    CredentialScope scope = auth.credential().scope();
    StringToSign stringToSign = StringToSign.of(auth.amzDate(), scope, canonical);
    byte[] signingKey = keys.signingKey(secretKey, scope);
    String expected = stringToSign.sign(signingKey);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        auth.signature().getBytes(StandardCharsets.US_ASCII))) {
      throw mismatch(auth.accessKeyId(), stringToSign.text(), auth.signature(), canonical.text());
    }
    SigV4Authorization verified = payloadHash.equals(auth.payloadHash()) ? auth : auth.withPayloadHash(payloadHash);
    return new VerifiedRequest(verified, mode, signingKey);
  }

  /** The SignatureDoesNotMatch error with the details S3 returns, in S3's order. */
  static AuthenticationException mismatch(
      String accessKeyId, String stringToSign, String provided, String canonicalRequest) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("AWSAccessKeyId", accessKeyId);
    String shownStringToSign = withoutSessionToken(stringToSign);
    details.put("StringToSign", shownStringToSign);
    details.put("SignatureProvided", provided);
    details.put("StringToSignBytes", StringToSign.spacedHex(shownStringToSign));
    if (canonicalRequest != null) {
      String shownCanonical = withoutSessionToken(canonicalRequest);
      details.put("CanonicalRequest", shownCanonical);
      details.put("CanonicalRequestBytes", StringToSign.spacedHex(shownCanonical));
    }
    return new AuthenticationException(
        AuthFailure.SIGNATURE_MISMATCH,
        "The request signature we calculated does not match the signature you provided. Check your"
            + " key and signing method.",
        details);
  }

  private static final Pattern TOKEN_HEADER_LINE =
      Pattern.compile("^(x-amz-security-token:).*$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKEN_QUERY_PARAMETER =
      Pattern.compile("(X-Amz-Security-Token=)[^&\\n]*", Pattern.CASE_INSENSITIVE);

  /**
   * The text with the session token's value replaced: S3 echoes the canonical request and string to
   * sign, but an error body (often logged by clients and intermediaries) must never carry a token.
   * The client still sees which line differs; only the token's own bytes are hidden.
   */
  static String withoutSessionToken(String text) {
    String s = TOKEN_HEADER_LINE.matcher(text).replaceAll("$1" + REDACTED);
    return TOKEN_QUERY_PARAMETER.matcher(s).replaceAll("$1" + REDACTED);
  }

  static final String REDACTED = "[redacted]";

  private void checkTime(SigV4Authorization auth) throws AuthenticationException {
    Instant now = clock.instant();
    Instant time = auth.requestTime();
    if (auth.isPresigned()) {
      if (time.isAfter(now.plus(MAX_SKEW))) {
        throw new AuthenticationException(
            AuthFailure.PRESIGN_NOT_YET_VALID, "Request is not valid yet");
      }
      if (now.isAfter(time.plusSeconds(auth.expiresSeconds()))) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("X-Amz-Expires", Long.toString(auth.expiresSeconds()));
        details.put("Expires", time.plusSeconds(auth.expiresSeconds()).toString());
        details.put("ServerTime", now.toString());
        throw new AuthenticationException(
            AuthFailure.PRESIGN_EXPIRED, "Request has expired", details);
      }
      return;
    }
    checkSkew(clock, time, auth.amzDate());
  }

  /** REQUEST_TIME_TOO_SKEWED when |now − time| exceeds {@link #MAX_SKEW}. */
  static void checkSkew(Clock clock, Instant time, String requestTimeText)
      throws AuthenticationException {
    Instant now = clock.instant();
    if (Duration.between(time, now).abs().compareTo(MAX_SKEW) > 0) {
      Map<String, String> details = new LinkedHashMap<>();
      details.put("RequestTime", requestTimeText);
      details.put("ServerTime", now.toString());
      details.put("MaxAllowedSkewMilliseconds", Long.toString(MAX_SKEW.toMillis()));
      throw new AuthenticationException(
          AuthFailure.REQUEST_TIME_TOO_SKEWED,
          "The difference between the request time and the current time is too large.",
          details);
    }
  }

  /**
   * S3 requires {@code host} and every {@code x-amz-*} header present to be signed; for header
   * auth a {@code Date} the request time came from must be signed too, or it could be replayed.
   */
  private static void checkSignedHeaders(SignedRequest request, SigV4Authorization auth)
      throws AuthenticationException {
    List<String> signed = auth.signedHeaders();
    List<String> unsigned = new ArrayList<>();
    if (!signed.contains("host")) {
      unsigned.add("host");
    }
    for (String name : request.headerNamesLowerCase()) {
      if (name.startsWith("x-amz-") && !signed.contains(name)) {
        unsigned.add(name);
      }
    }
    if (!auth.isPresigned() && request.header("x-amz-date") == null && !signed.contains("date")) {
      unsigned.add("date");
    }
    if (!unsigned.isEmpty()) {
      throw new AuthenticationException(
          AuthFailure.HEADERS_NOT_SIGNED,
          "There were headers present in the request which were not signed",
          Map.of("HeadersNotSigned", String.join(", ", unsigned)));
    }
  }
}
