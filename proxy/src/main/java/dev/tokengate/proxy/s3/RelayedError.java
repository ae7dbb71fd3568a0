package dev.tokengate.proxy.s3;

import java.util.regex.Pattern;

/**
 * A backend's own S3 error code and status, passed on to the client (never its body): the one kind
 * of wire error whose code is not one of the proxy's {@link S3Error} literals, because a backend
 * answers codes the proxy never produces itself ({@code NoSuchKey}, {@code BucketNotEmpty},
 * {@code InvalidObjectState}, MinIO's {@code XMinio…}). Built only by {@link BackendErrorMapper}.
 *
 * @param code a plain identifier (letters and digits, at most 64), so it can be neither markup nor a
 *     vehicle for what the backend should not disclose
 * @param status an HTTP error status, 400–599
 */
public record RelayedError(String code, int status) {
  private static final Pattern PLAIN_CODE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");

  public RelayedError {
    if (!isPlainCode(code)) {
      throw new IllegalArgumentException("not a plain S3 error code: " + code);
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an HTTP error status: " + status);
    }
  }

  public static boolean isPlainCode(String code) {
    return code != null && PLAIN_CODE.matcher(code).matches();
  }
}
