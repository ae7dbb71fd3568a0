package dev.tokengate.proxy.s3;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Set;

/**
 * Turns a backend's error response (status and bounded body) into the proxy's own S3 error, in one
 * place: the backend's Code and Message are kept when they are plain, nothing else of its body is.
 * An error that means the proxy itself is misconfigured (its signature or keys refused, a redirect
 * to another endpoint) is the proxy's 500 InternalError, with a warning for the operator.
 */
public final class BackendErrorMapper {

  /** Codes by which a backend refuses the proxy's own re-signed request (not the client's). */
  private static final Set<String> REFUSED_PROXY_SIGNATURE =
      Set.of(
          "SignatureDoesNotMatch",
          "InvalidAccessKeyId",
          "AuthorizationHeaderMalformed",
          "AuthorizationQueryParametersError",
          "RequestTimeTooSkewed",
          "InvalidToken",
          "ExpiredToken",
          "TokenRefreshRequired",
          "MissingSecurityHeader",
          "InvalidSecurity",
          "XAmzContentSHA256Mismatch");

  /** A message longer than this is not a message S3 writes. */
  private static final int MAX_MESSAGE = 1024;

  /**
   * @param error what the client gets
   * @param warning for the operator's log (one line, no secrets), or null when the error is the
   *     client's business
   */
  public record Mapped(S3Exception error, String warning) {}

  private BackendErrorMapper() {}

  /** Whether a response status is an error the proxy must answer itself (not 1xx, 2xx or 304). */
  public static boolean isError(int status) {
    return status >= 300 && status != 304;
  }

  /**
   * @param status an {@link #isError error} status
   * @param body the error document, or null for a response that has none (HEAD)
   */
  public static Mapped map(int status, byte[] body) {
    if (status < 400) {
      // The backend sent the proxy elsewhere: the client must neither follow it to the backend nor
      // learn its address, and only the proxy's configuration can fix it.
      return new Mapped(new S3Exception(S3Error.INTERNAL_ERROR),
          "the backend answered a redirect (HTTP " + status + codeOf(body) + "): check backend.endpoint and backend.region");
    }
    if (body == null) {
      // A HEAD error has no document: the status is all there is to pass on.
      return new Mapped(S3Exception.relayed(new RelayedError(statusCode(status), status), ""), null);
    }
    S3ErrorBody.Parsed parsed = S3ErrorBody.parse(body);
    if (parsed == null || !RelayedError.isPlainCode(parsed.code())) {
      S3Error error = status == 502 || status == 503 || status == 504 ? S3Error.SERVICE_UNAVAILABLE : S3Error.INTERNAL_ERROR;
      return new Mapped(new S3Exception(error),
          "the backend answered HTTP " + status + " without a readable S3 error document");
    }
    if (REFUSED_PROXY_SIGNATURE.contains(parsed.code())) {
      return new Mapped(new S3Exception(S3Error.INTERNAL_ERROR),
          "the backend refused the proxy's request signature (" + parsed.code() + ", HTTP " + status
              + "): check backend.accessKey, backend.secretKey, backend.region and the clock");
    }
    return new Mapped(S3Exception.relayed(new RelayedError(parsed.code(), status), message(parsed)), null);
  }

  private static String codeOf(byte[] body) {
    S3ErrorBody.Parsed parsed = body == null ? null : S3ErrorBody.parse(body);
    return parsed != null && RelayedError.isPlainCode(parsed.code()) ? " " + parsed.code() : "";
  }

  /** One line of printable text, bounded; the code stands in when there is none. */
  private static String message(S3ErrorBody.Parsed parsed) {
    String m = parsed.message() == null ? "" : parsed.message().replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    if (m.isEmpty()) {
      return parsed.code();
    }
    return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m;
  }

  /** {@code 404} → {@code NotFound}: S3 sends HEAD errors without a document, so SDKs name them so. */
  private static String statusCode(int status) {
    String phrase = HttpResponseStatus.valueOf(status).reasonPhrase();
    String code = phrase.replaceAll("[^A-Za-z0-9]", "");
    return RelayedError.isPlainCode(code) ? code : "Status" + status;
  }
}
