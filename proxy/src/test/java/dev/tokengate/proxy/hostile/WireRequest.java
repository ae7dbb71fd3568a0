package dev.tokengate.proxy.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 request exactly as it will go on the wire: the request-target is raw (nothing is
 * encoded or normalised), header lines keep their order, case and bytes (CR, LF or NUL included), and
 * nothing is added but {@code Content-Length} (unless a length or transfer coding is already there,
 * or {@link #noLength()}) and {@code Connection: close} (unless {@link #keepAlive()}).
 * Strings are written byte for char (ISO-8859-1): a test that wants UTF-8 writes its bytes.
 */
final class WireRequest {
  /** One header line; {@code value} is written verbatim after {@code ": "}. */
  record Header(String name, String value) {}

  String method;
  String target;
  final List<Header> headers = new ArrayList<>();
  byte[] body = new byte[0];
  private boolean addLength = true;
  private boolean close = true;

  WireRequest(String method, String target) {
    this.method = method;
    this.target = target;
  }

  WireRequest header(String name, String value) {
    headers.add(new Header(name, value));
    return this;
  }

  WireRequest body(byte[] bytes) {
    this.body = bytes;
    return this;
  }

  WireRequest body(String utf8) {
    return body(utf8.getBytes(StandardCharsets.UTF_8));
  }

  WireRequest noLength() {
    addLength = false;
    return this;
  }

  WireRequest keepAlive() {
    close = false;
    return this;
  }

  /** The first value of a header (name compared case-insensitively), or null. */
  String value(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** Replaces the value of every line with this name (any case); appends one if there is none. */
  WireRequest set(String name, String value) {
    boolean found = false;
    for (int i = 0; i < headers.size(); i++) {
      if (headers.get(i).name().equalsIgnoreCase(name)) {
        headers.set(i, new Header(headers.get(i).name(), value));
        found = true;
      }
    }
    return found ? this : header(name, value);
  }

  WireRequest remove(String name) {
    headers.removeIf(h -> h.name().equalsIgnoreCase(name));
    return this;
  }

  String rawPath() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The raw query after the first {@code ?}; empty when there is none. */
  String rawQuery() {
    int q = target.indexOf('?');
    return q < 0 ? "" : target.substring(q + 1);
  }

  WireRequest copy() {
    WireRequest c = new WireRequest(method, target);
    c.headers.addAll(headers);
    c.body = body.clone();
    c.addLength = addLength;
    c.close = close;
    return c;
  }

  byte[] bytes() {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    for (Header h : headers) {
      head.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    if (addLength && value("content-length") == null && value("transfer-encoding") == null
        && (body.length > 0 || !(method.equals("GET") || method.equals("HEAD")))) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (close && value("connection") == null) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** The request line and headers, for failure messages (control characters made visible). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(visible(abbreviate(target))).append('\n');
    for (Header h : headers) {
      if (!h.name().equalsIgnoreCase("authorization")) {
        sb.append("  ").append(visible(h.name())).append(": ").append(visible(abbreviate(h.value()))).append('\n');
      }
    }
    if (body.length > 0) {
      sb.append("  [body ").append(body.length).append(" bytes] ")
          .append(visible(abbreviate(new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8))));
    }
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 160) + "…(" + s.length() + " chars)";
  }

  static String visible(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
