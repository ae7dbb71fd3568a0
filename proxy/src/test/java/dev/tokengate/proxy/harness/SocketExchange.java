package dev.tokengate.proxy.harness;

import dev.tokengate.sigv4.SignedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One signed S3 request on its own socket, read by hand, for fault tests that must tell a complete
 * response from a truncated one and a closed connection from a hung one (an HTTP client library
 * hides both). The response is read until its Content-Length is complete, the server closes the
 * connection, or {@code timeout} passes.
 *
 * @param status -1 when no status line came
 * @param contentLength the announced length, -1 when none
 * @param body the body bytes received
 * @param closed whether the server closed the connection (end of stream, or a reset)
 * @param millis from the request's first byte sent to the end of reading
 */
public record SocketExchange(int status, String head, long contentLength, byte[] body, boolean closed, long millis) {

  /** Whether the body is all there, as announced. */
  public boolean complete() {
    return contentLength >= 0 && body.length == contentLength;
  }

  public String bodyUtf8() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** A response header's value (first, case-insensitive), or null. */
  public String header(String name) {
    return header(head, name);
  }

  /** As {@link Connection#send} on a connection of its own, closed afterwards. */
  public static SocketExchange send(String endpoint, Credentials keys, String method, String path, byte[] body,
      Duration pauseAfterHead, Duration timeout) throws IOException, InterruptedException {
    try (Connection c = new Connection(endpoint, keys, timeout)) {
      return c.send(method, path, body, pauseAfterHead);
    }
  }

  /**
   * A keep-alive connection to the proxy: requests sent one after the other on the same socket,
   * hence served by the same event loop (and the same pool of backend connections).
   */
  public static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final String host;
    private final Credentials keys;
    private final Duration timeout;

    public Connection(String endpoint, Credentials keys, Duration timeout) throws IOException {
      URI uri = URI.create(endpoint);
      this.host = uri.getHost() + ":" + uri.getPort();
      this.keys = keys;
      this.timeout = timeout;
      this.socket = new Socket();
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      socket.setSoTimeout((int) timeout.toMillis());
    }

    /**
     * Sends {@code method path} with {@code body}, signed now, and reads the answer; when the
     * answer announces {@code Connection: close}, reads on to see the connection really close.
     *
     * @param pauseAfterHead how long to stop reading once the head is in (a slow client); zero for none
     */
    public SocketExchange send(String method, String path, byte[] body, Duration pauseAfterHead)
        throws IOException, InterruptedException {
      return send(method, path, body, body.length, () -> { }, pause(pauseAfterHead));
    }

    private static MidBody pause(Duration d) {
      return () -> Thread.sleep(d.toMillis());
    }

    /** Something a test does in the middle of an upload (stop or kill the backend, say). */
    @FunctionalInterface
    public interface MidBody {
      void run() throws Exception;
    }

    /**
     * As {@link #send(String, String, byte[], Duration)}, but only the first {@code splitAt} bytes of
     * the body go out before {@code midBody} runs; then the rest, unless the server has cut the
     * upload off meanwhile. {@code afterHead} runs once the response head is in, before its body is read.
     */
    public SocketExchange send(String method, String path, byte[] body, int splitAt, MidBody midBody,
        MidBody afterHead) throws IOException, InterruptedException {
      String amzDate = RawS3Client.amzDate(Instant.now());
      String hash = RawS3Client.sha256(body);
      List<SignedRequest.Header> signed = new ArrayList<>();
      signed.add(new SignedRequest.Header("host", host));
      signed.add(new SignedRequest.Header("x-amz-content-sha256", hash));
      signed.add(new SignedRequest.Header("x-amz-date", amzDate));
      int q = path.indexOf('?');
      String authorization = RawS3Client.authorization(method, q < 0 ? path : path.substring(0, q),
          q < 0 ? "" : path.substring(q + 1), signed, hash, keys, amzDate, "us-east-1");
      String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nx-amz-content-sha256: " + hash
          + "\r\nx-amz-date: " + amzDate + "\r\nAuthorization: " + authorization
          + (body.length > 0 || method.equals("PUT") ? "\r\nContent-Length: " + body.length : "") + "\r\n\r\n";
      long start = System.nanoTime();
      long deadline = start + timeout.toNanos();
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, 0, splitAt);
        out.flush();
        if (splitAt < body.length) {
          run(midBody);
          out.write(body, splitAt, body.length - splitAt);
          out.flush();
        }
      } catch (IOException cutOff) {
        // The server gave up on the upload; what it answered (if anything) is still to be read.
      }
      return read(socket.getInputStream(), start, deadline, afterHead);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void run(Connection.MidBody step) throws InterruptedException {
    try {
      step.run();
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the test's own step failed", e); // not an I/O failure of the exchange
    }
  }

  private static SocketExchange read(InputStream in, long start, long deadline, Connection.MidBody afterHead)
      throws InterruptedException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    String head = null;
    long contentLength = -1;
    boolean closed = false;
    boolean paused = false;
    try {
      while (System.nanoTime() < deadline) {
        if (head != null && contentLength >= 0 && received.size() >= contentLength) {
          if (header(head, "connection") != null && header(head, "connection").equalsIgnoreCase("close")) {
            closed = in.read() < 0;
          }
          break;
        }
        // One byte at a time past the body's end would be wrong: never read beyond this response.
        int want = head == null ? 1 : (int) Math.min(64 * 1024, contentLength < 0 ? 64 * 1024 : contentLength - received.size());
        byte[] buffer = new byte[want];
        int n = in.read(buffer);
        if (n < 0) {
          closed = true;
          break;
        }
        received.write(buffer, 0, n);
        if (head == null && received.size() >= 4) {
          byte[] all = received.toByteArray();
          if (all[all.length - 4] == '\r' && all[all.length - 3] == '\n' && all[all.length - 2] == '\r'
              && all[all.length - 1] == '\n') {
            head = new String(all, 0, all.length - 4, StandardCharsets.ISO_8859_1);
            contentLength = contentLength(head);
            received.reset();
            if (!paused) {
              run(afterHead);
              paused = true;
            }
          }
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      // Neither complete nor closed within the timeout: a hung connection, which `closed` reports.
    } catch (IOException reset) {
      closed = true;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (head == null) {
      return new SocketExchange(-1, received.toString(StandardCharsets.ISO_8859_1), -1, new byte[0], closed, millis);
    }
    int status = head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
    return new SocketExchange(status, head, contentLength, received.toByteArray(), closed, millis);
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).strip());
      }
    }
    return -1;
  }
}
