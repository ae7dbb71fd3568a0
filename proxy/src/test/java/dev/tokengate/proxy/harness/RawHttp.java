package dev.tokengate.proxy.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Bytes on a socket, for requests no HTTP client will send (a Host of our choosing, repeated or
 * malformed header lines, a raw request-target): writes them, then reads until the server closes
 * the connection or {@code timeout} passes, whichever is first.
 */
public final class RawHttp {
  private RawHttp() {}

  /** The full response text (status line, headers, body) as UTF-8. */
  public static String exchange(String endpoint, byte[] request, Duration timeout) throws IOException {
    return new String(exchangeBytes(endpoint, request, timeout), StandardCharsets.UTF_8);
  }

  /** As {@link #exchange}; ask for {@code Connection: close} in the request to get a prompt answer. */
  public static byte[] exchangeBytes(String endpoint, byte[] request, Duration timeout) throws IOException {
    URI uri = URI.create(endpoint);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        for (int n; System.nanoTime() < deadline && (n = in.read(buffer)) > 0; ) {
          response.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException stillOpen) {
        // What arrived so far is the answer; the caller's assertions say whether that is enough.
      }
      return response.toByteArray();
    }
  }

  /** The status code of a response read by {@link #exchange}, or -1 when nothing came back. */
  public static int status(String response) {
    if (!response.startsWith("HTTP/1.1 ") || response.length() < 12) {
      return -1;
    }
    return Integer.parseInt(response.substring(9, 12));
  }
}
