package dev.tokengate.sigv4;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the authentication scheme of a request (SigV4 header, SigV4 presigned query, SigV2 header
 * or query) and parses it into a {@link ParsedAuthorization}. Pure parsing: no clock, no secrets.
 */
public final class AuthorizationParser {

  /** Longest X-Amz-Expires S3 accepts: one week. */
  public static final long MAX_PRESIGN_EXPIRES_SECONDS = 604800;

  static final String SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256";
  private static final String PRESIGN_PARAMS_MESSAGE =
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential,"
          + " X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
  private static final String MISSING_DATE_MESSAGE =
      "AWS authentication requires a valid Date or x-amz-date header";

  private AuthorizationParser() {}

  /**
   * @return the parsed authorization, or null when the request carries none (anonymous)
   * @throws AuthenticationException MALFORMED_*, UNSUPPORTED_ALGORITHM, MULTIPLE_AUTH_METHODS,
   *     MISSING_CONTENT_SHA256, MISSING_DATE, PRESIGN_EXPIRES_OUT_OF_RANGE
   */
  public static ParsedAuthorization parse(SignedRequest request) throws AuthenticationException {
    List<String> headers = request.headerValues("authorization");
    Map<String, String> query = queryParameters(request.rawQuery());
    boolean v4Query =
        query.containsKey("X-Amz-Algorithm")
            || query.containsKey("X-Amz-Credential")
            || query.containsKey(CanonicalRequest.SIGNATURE_PARAMETER);
    boolean v2Query = query.containsKey("AWSAccessKeyId");
    int schemes = (headers.isEmpty() ? 0 : 1) + (v4Query ? 1 : 0) + (v2Query ? 1 : 0);
    if (schemes == 0) {
      return null;
    }
    if (schemes > 1 || headers.size() > 1) {
      throw new AuthenticationException(
          AuthFailure.MULTIPLE_AUTH_METHODS,
          "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature"
              + " query string parameter or the Authorization header should be specified");
    }
    if (v4Query) {
      return parsePresigned(request, query);
    }
    if (v2Query) {
      return parseV2Query(request, query);
    }
    String value = headers.get(0).trim();
    if (value.startsWith(SIGV4A_ALGORITHM)) {
      throw unsupported();
    }
    if (value.startsWith(StringToSign.ALGORITHM)) {
      return parseV4Header(request, value.substring(StringToSign.ALGORITHM.length()));
    }
    if (value.startsWith("AWS ")) {
      return parseV2Header(request, value.substring(4).trim());
    }
    throw unsupported();
  }

  private static SigV4Authorization parseV4Header(SignedRequest request, String rest)
      throws AuthenticationException {
    if (rest.isEmpty() || !Character.isWhitespace(rest.charAt(0))) {
      throw malformed("the algorithm must be followed by a space");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : rest.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw malformed("'" + part.trim() + "' is not of the form Key=Value");
      }
      String key = part.substring(0, eq).trim();
      if (fields.put(key, part.substring(eq + 1).trim()) != null) {
        throw malformed(key + " appears more than once");
      }
    }
    String credentialText = fields.remove("Credential");
    String signedHeadersText = fields.remove("SignedHeaders");
    String signature = fields.remove("Signature");
    if (credentialText == null || signedHeadersText == null || signature == null) {
      throw malformed("Credential, SignedHeaders and Signature are all required");
    }
    if (!fields.isEmpty()) {
      throw malformed("unexpected component " + fields.keySet().iterator().next());
    }
    Credential credential = parseCredential(credentialText, AuthFailure.MALFORMED_AUTHORIZATION);
    List<String> signedHeaders =
        parseSignedHeaders(signedHeadersText, AuthFailure.MALFORMED_AUTHORIZATION);
    if (!PayloadMode.isSha256Hex(signature)) {
      throw malformed("the Signature must be 64 hex digits");
    }

    String amzDate;
    Instant time;
    String amzDateHeader = request.header("x-amz-date");
    if (amzDateHeader != null) {
      amzDate = amzDateHeader.trim();
      time = RequestTimes.parseAmzDate(amzDate);
    } else {
      time = RequestTimes.parseRfc1123(request.header("date"));
      amzDate = time == null ? null : RequestTimes.formatAmzDate(time);
    }
    if (time == null) {
      throw new AuthenticationException(AuthFailure.MISSING_DATE, MISSING_DATE_MESSAGE);
    }
    checkCredentialDate(credential, amzDate);

    String payloadHash = request.header("x-amz-content-sha256");
    if (payloadHash != null) {
      payloadHash = payloadHash.trim();
    } else if (credential.scope().service().equals("s3")) {
      throw new AuthenticationException(
          AuthFailure.MISSING_CONTENT_SHA256,
          "Your request was missing a required header: x-amz-content-sha256");
    }
    return new SigV4Authorization(
        AuthStyle.HEADER, credential, signedHeaders, signature, amzDate, time, -1, payloadHash,
        request.header("x-amz-security-token"));
  }

  private static SigV4Authorization parsePresigned(SignedRequest request, Map<String, String> q)
      throws AuthenticationException {
    String algorithm = q.get("X-Amz-Algorithm");
    String credentialText = q.get("X-Amz-Credential");
    String signature = q.get(CanonicalRequest.SIGNATURE_PARAMETER);
    String amzDate = q.get("X-Amz-Date");
    String signedHeadersText = q.get("X-Amz-SignedHeaders");
    String expiresText = q.get("X-Amz-Expires");
    if (algorithm == null || credentialText == null || signature == null || amzDate == null
        || signedHeadersText == null || expiresText == null) {
      throw new AuthenticationException(AuthFailure.MALFORMED_PRESIGN_QUERY, PRESIGN_PARAMS_MESSAGE);
    }
    if (!algorithm.equals(StringToSign.ALGORITHM)) {
      throw new AuthenticationException(
          AuthFailure.UNSUPPORTED_ALGORITHM, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    }
    Credential credential = parseCredential(credentialText, AuthFailure.MALFORMED_PRESIGN_QUERY);
    List<String> signedHeaders =
        parseSignedHeaders(signedHeadersText, AuthFailure.MALFORMED_PRESIGN_QUERY);
    if (!PayloadMode.isSha256Hex(signature)) {
      throw presignMalformed("X-Amz-Signature must be 64 hex digits");
    }
    Instant time = RequestTimes.parseAmzDate(amzDate);
    if (time == null) {
      throw presignMalformed(
          "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    }
    long expires;
    try {
      expires = Long.parseLong(expiresText);
    } catch (NumberFormatException e) {
      throw presignMalformed("X-Amz-Expires should be a number");
    }
    if (expires < 0) {
      throw new AuthenticationException(
          AuthFailure.PRESIGN_EXPIRES_OUT_OF_RANGE, "X-Amz-Expires must be non-negative");
    }
    if (expires > MAX_PRESIGN_EXPIRES_SECONDS) {
      throw new AuthenticationException(
          AuthFailure.PRESIGN_EXPIRES_OUT_OF_RANGE,
          "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires"
              + " must be less than 604800 seconds");
    }
    checkCredentialDate(credential, amzDate);

    // Some presigners sign a body hash instead of UNSIGNED-PAYLOAD and say so in the query.
    String payloadHash = findIgnoreCase(q, "X-Amz-Content-Sha256");
    if (payloadHash == null && credential.scope().service().equals("s3")) {
      payloadHash = PayloadMode.UNSIGNED_PAYLOAD;
    }
    String token = q.get("X-Amz-Security-Token");
    if (token == null) {
      token = request.header("x-amz-security-token");
    }
    return new SigV4Authorization(
        AuthStyle.QUERY, credential, signedHeaders, signature, amzDate, time, expires, payloadHash,
        token);
  }

  private static SigV2Authorization parseV2Header(SignedRequest request, String rest)
      throws AuthenticationException {
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1) {
      throw malformed("SigV2 expects \"AWS AccessKeyId:Signature\"");
    }
    String amzDate = request.header("x-amz-date");
    Instant time;
    if (amzDate != null) {
      time = RequestTimes.parseRfc1123(amzDate);
      if (time == null) {
        time = RequestTimes.parseAmzDate(amzDate.trim());
      }
    } else {
      time = RequestTimes.parseRfc1123(request.header("date"));
    }
    if (time == null) {
      throw new AuthenticationException(AuthFailure.MISSING_DATE, MISSING_DATE_MESSAGE);
    }
    return new SigV2Authorization(
        AuthStyle.HEADER, rest.substring(0, colon), rest.substring(colon + 1), time,
        request.header("x-amz-security-token"));
  }

  private static SigV2Authorization parseV2Query(SignedRequest request, Map<String, String> q)
      throws AuthenticationException {
    String akid = q.get("AWSAccessKeyId");
    String signature = q.get("Signature");
    String expires = q.get("Expires");
    if (akid == null || akid.isEmpty() || signature == null || expires == null) {
      throw presignMalformed(
          "Query-string authentication requires the Signature, Expires and AWSAccessKeyId"
              + " parameters");
    }
    Instant time;
    try {
      time = Instant.ofEpochSecond(Long.parseLong(expires));
    } catch (NumberFormatException | DateTimeException e) {
      // DateTimeException: a number beyond the instants Java represents (found by fuzzing).
      throw presignMalformed("Expires must be a number of seconds since the epoch");
    }
    String token = findIgnoreCase(q, "x-amz-security-token");
    if (token == null) {
      token = request.header("x-amz-security-token");
    }
    return new SigV2Authorization(AuthStyle.QUERY, akid, signature, time, token);
  }

  private static Credential parseCredential(String text, AuthFailure syntaxFailure)
      throws AuthenticationException {
    String[] parts = text.split("/", -1);
    boolean wellFormed = parts.length == 5;
    for (int i = 0; wellFormed && i < parts.length; i++) {
      // The region may be empty: STS clients such as the s3-tests suite sign with "" (S3 still
      // refuses it later, with the region it expects).
      wellFormed = i == 2 || !parts[i].isEmpty();
    }
    if (!wellFormed || !parts[1].matches("[0-9]{8}")) {
      throw new AuthenticationException(
          syntaxFailure,
          "The authorization header is malformed; the Credential is mal-formed; expecting"
              + " \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    }
    if (!parts[4].equals(CredentialScope.TERMINATOR)) {
      throw malformed("incorrect terminal \"" + parts[4] + "\". This endpoint uses \"aws4_request\".");
    }
    return new Credential(parts[0], new CredentialScope(parts[1], parts[2], parts[3]));
  }

  private static List<String> parseSignedHeaders(String text, AuthFailure failure)
      throws AuthenticationException {
    List<String> names = new ArrayList<>();
    for (String name : text.split(";", -1)) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        throw new AuthenticationException(
            failure, "The authorization header is malformed; SignedHeaders contains an empty name.");
      }
      names.add(n);
    }
    return List.copyOf(names);
  }

  private static void checkCredentialDate(Credential credential, String amzDate)
      throws AuthenticationException {
    if (!amzDate.startsWith(credential.scope().date())) {
      throw malformed(
          "Invalid credential date \"" + credential.scope().date() + "\". This date is not the"
              + " same as X-Amz-Date: \"" + amzDate.substring(0, 8) + "\".");
    }
  }

  /** Decoded query parameters; the first occurrence of a name wins. */
  static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = UriEncoding.decodeQueryComponent(eq < 0 ? part : part.substring(0, eq));
      String value = eq < 0 ? "" : UriEncoding.decodeQueryComponent(part.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String findIgnoreCase(Map<String, String> params, String name) {
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static AuthenticationException unsupported() {
    return new AuthenticationException(
        AuthFailure.UNSUPPORTED_ALGORITHM,
        "The authorization mechanism you have provided is not supported. Please use"
            + " AWS4-HMAC-SHA256.");
  }

  private static AuthenticationException malformed(String why) {
    return new AuthenticationException(
        AuthFailure.MALFORMED_AUTHORIZATION, "The authorization header is malformed; " + why);
  }

  private static AuthenticationException presignMalformed(String message) {
    return new AuthenticationException(AuthFailure.MALFORMED_PRESIGN_QUERY, message);
  }
}
