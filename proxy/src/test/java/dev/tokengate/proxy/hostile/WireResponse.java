package dev.tokengate.proxy.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One response read off a raw socket. {@link #status} is {@link #CLOSED} when the server closed the
 * connection without answering and {@link #TIMEOUT} when it answered nothing in time: both are
 * outcomes a case can fail on, never exceptions that hide what happened.
 */
record WireResponse(int status, List<WireRequest.Header> headers, byte[] body) {
  static final int CLOSED = -1;
  static final int TIMEOUT = -2;

  /** The first value of a header, case-insensitive name; null when absent. */
  String header(String name) {
    for (WireRequest.Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The error code: {@code <Code>} of an S3 or STS error body, else {@code x-amz-error-code}; null if none. */
  String code() {
    String text = text();
    int start = text.indexOf("<Code>");
    int end = text.indexOf("</Code>", start + 1);
    if (start >= 0 && end > start) {
      return text.substring(start + "<Code>".length(), end);
    }
    return header("x-amz-error-code");
  }

  String describe() {
    String what = switch (status) {
      case CLOSED -> "connection closed without a response";
      case TIMEOUT -> "no response in time";
      default -> Integer.toString(status);
    };
    String t = text();
    return what + (code() == null ? "" : " " + code()) + (t.isEmpty() ? "" : " — " + (t.length() > 600 ? t.substring(0, 600) + "…" : t));
  }

  /** Sends {@code request} on a new connection and reads {@code count} responses (pipelining when > 1). */
  static List<WireResponse> exchange(String host, int port, byte[] request, int count, String method, Duration timeout)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout((int) timeout.toMillis());
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      List<WireResponse> responses = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        WireResponse r = read(in, method);
        responses.add(r);
        if (r.status < 0) {
          break;
        }
      }
      return responses;
    } catch (java.net.SocketException reset) {
      // A server that resets the connection mid-request has answered nothing.
      return List.of(new WireResponse(CLOSED, List.of(), reset.toString().getBytes(StandardCharsets.UTF_8)));
    }
  }

  static WireResponse exchange(String host, int port, WireRequest request, Duration timeout) throws IOException {
    return exchange(host, port, request.bytes(), 1, request.method, timeout).get(0);
  }

  /** Reads one final response (skipping 1xx interim ones). */
  private static WireResponse read(InputStream in, String method) throws IOException {
    try {
      while (true) {
        String statusLine = line(in);
        if (statusLine == null) {
          return new WireResponse(CLOSED, List.of(), new byte[0]);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<WireRequest.Header> headers = new ArrayList<>();
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
          int colon = l.indexOf(':');
          headers.add(new WireRequest.Header(l.substring(0, colon).trim(), l.substring(colon + 1).trim()));
        }
        if (status >= 100 && status < 200) {
          continue;
        }
        WireResponse head = new WireResponse(status, headers, new byte[0]);
        if (method.equals("HEAD") || status == 204 || status == 304) {
          return head;
        }
        String te = head.header("transfer-encoding");
        String length = head.header("content-length");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
          for (String size; (size = line(in)) != null; ) {
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
              for (String trailer; (trailer = line(in)) != null && !trailer.isEmpty(); ) {
                // trailers are not needed by any case
              }
              break;
            }
            body.write(in.readNBytes(n));
            line(in);
          }
        } else if (length != null) {
          body.write(in.readNBytes(Integer.parseInt(length)));
        } else {
          in.transferTo(body);
        }
        return new WireResponse(status, headers, body.toByteArray());
      }
    } catch (SocketTimeoutException e) {
      return new WireResponse(TIMEOUT, List.of(), new byte[0]);
    } catch (java.net.SocketException reset) {
      return new WireResponse(CLOSED, List.of(), reset.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A CRLF- (or LF-) terminated line without its terminator; null at end of stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(80);
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }
}
