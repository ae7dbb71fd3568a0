package dev.tokengate.benchmarks.proxy;

import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The load generators' HTTP/1.1 client: one blocking keep-alive loopback connection per worker
 * thread, requests signed with the project's own {@link RequestSigner}. Deliberately minimal so
 * that on a 2-core machine the client spends as little CPU as possible next to the server it
 * measures ({@code java.net.http.HttpClient} costs several times more per request).
 *
 * <p>Responses are parsed strictly (status line, headers, Content-Length or chunked body); a body
 * can be kept, or streamed through a reused buffer and compared with the bytes expected.
 */
final class LoopbackHttp implements Closeable {
  static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A parsed response; {@code body} is null when it was streamed rather than kept. */
  record Response(int status, String head, byte[] body, long bodyLength, boolean keepAlive) {
    String text() {
      return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    String describe() {
      String t = text();
      return head.lines().findFirst().orElse("?") + " " + (t.length() > 400 ? t.substring(0, 400) + "…" : t);
    }
  }

  /** Signs requests for one access key, region and service. Thread-confined. */
  static final class Signer {
    private final RequestSigner signer = new RequestSigner(new SigningKeyCache(16));
    private final String accessKey;
    private final String secret;
    private final String region;
    private final String service;

    Signer(String accessKey, String secret, String region, String service) {
      this.accessKey = accessKey;
      this.secret = secret;
      this.region = region;
      this.service = service;
    }

    /**
     * The request bytes (head, and body when {@code body} is given): every header in {@code
     * headers} plus host and x-amz-date is signed, then Authorization and Content-Length are added.
     *
     * @param payloadHash the hash signed; sent as x-amz-content-sha256 when {@code sendHashHeader}
     */
    byte[] request(String method, String rawPath, String rawQuery, String host, List<SignedRequest.Header> headers,
        byte[] body, long contentLength, String payloadHash, boolean sendHashHeader) {
      String amzDate = AMZ_DATE.format(Instant.now());
      List<SignedRequest.Header> signed = new ArrayList<>(headers.size() + 3);
      signed.add(new SignedRequest.Header("host", host));
      signed.add(new SignedRequest.Header("x-amz-date", amzDate));
      if (sendHashHeader) {
        signed.add(new SignedRequest.Header("x-amz-content-sha256", payloadHash));
      }
      signed.addAll(headers);
      String authorization = signer.authorization(
          new SignedRequest(method, rawPath, rawQuery, signed), accessKey, secret, region, service, amzDate, payloadHash);
      StringBuilder head = new StringBuilder(512)
          .append(method).append(' ').append(rawPath).append(rawQuery.isEmpty() ? "" : "?").append(rawQuery)
          .append(" HTTP/1.1\r\n");
      for (SignedRequest.Header h : signed) {
        head.append(h.name()).append(": ").append(h.value()).append("\r\n");
      }
      head.append("authorization: ").append(authorization).append("\r\n");
      if (contentLength > 0 || method.equals("PUT") || method.equals("POST")) {
        head.append("content-length: ").append(contentLength).append("\r\n");
      }
      head.append("\r\n");
      byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
      if (body == null || body.length == 0) {
        return headBytes;
      }
      byte[] all = Arrays.copyOf(headBytes, headBytes.length + body.length);
      System.arraycopy(body, 0, all, headBytes.length, body.length);
      return all;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private boolean open = true;

  LoopbackHttp(String host, int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000); // a stall longer than this fails the run instead of hanging it
    socket.connect(new InetSocketAddress(host, port), 5_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  boolean isOpen() {
    return open;
  }

  /** Sends {@code request} and reads the whole response, keeping its body. */
  Response exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return read(true, null, false);
  }

  /** Sends a request head, then {@code body} in pieces, and reads the response. */
  Response exchange(byte[] head, byte[] body) throws IOException {
    out.write(head);
    for (int off = 0; off < body.length; off += 1 << 20) {
      out.write(body, off, Math.min(1 << 20, body.length - off));
    }
    out.flush();
    return read(true, null, false);
  }

  /**
   * Sends {@code request} and streams the body of a 200 response through a reused buffer,
   * comparing every byte with {@code expected}; an error response's body is kept for the report.
   */
  Response exchangeExpecting(byte[] request, byte[] expected, boolean headRequest) throws IOException {
    out.write(request);
    out.flush();
    return read(false, expected, headRequest);
  }

  private Response read(boolean keep, byte[] expected, boolean headRequest) throws IOException {
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: '" + statusLine + "'");
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    StringBuilder head = new StringBuilder(statusLine).append('\n');
    long contentLength = -1;
    boolean chunked = false;
    boolean keepAlive = true;
    for (String h; !(h = line()).isEmpty(); ) {
      head.append(h).append('\n');
      int colon = h.indexOf(':');
      if (colon < 0) {
        throw new IOException("malformed header line '" + h + "'");
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
        keepAlive = false;
      }
    }
    if (status == 100) { // interim answer: the real one follows
      return read(keep, expected, headRequest);
    }
    boolean keepBody = keep || status != 200 || expected == null;
    java.io.ByteArrayOutputStream kept = keepBody ? new java.io.ByteArrayOutputStream() : null;
    long total = 0;
    if (headRequest || status == 204 || status == 304) {
      // no body
    } else if (chunked) {
      for (long size; (size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) > 0; ) {
        total = body(size, total, kept, expected);
        if (!line().isEmpty()) {
          throw new IOException("chunk not followed by CRLF");
        }
      }
      while (!line().isEmpty()) { /* trailers */ }
    } else if (contentLength >= 0) {
      total = body(contentLength, 0, kept, expected);
    } else {
      throw new IOException("response with neither Content-Length nor chunked body: " + head);
    }
    if (!keepAlive) {
      close();
    }
    return new Response(status, head.toString(), kept == null ? null : kept.toByteArray(), total, keepAlive);
  }

  private long body(long size, long position, java.io.ByteArrayOutputStream kept, byte[] expected) throws IOException {
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("connection closed " + left + " bytes before the end of the body");
      }
      if (kept != null) {
        kept.write(buffer, 0, n);
      } else {
        if (position + n > expected.length
            || Arrays.mismatch(buffer, 0, n, expected, (int) position, (int) position + n) >= 0) {
          throw new IOException("body differs from the object stored, at or after byte " + position);
        }
      }
      position += n;
      left -= n;
    }
    return position;
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("connection closed by the server");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    open = false;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
