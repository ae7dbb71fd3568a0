package dev.tokengate.proxy.harness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One request exactly as a {@link BackendSpy} received it: the request line, the header lines in
 * arrival order (each also as its raw text), the message body after HTTP transfer decoding, and the
 * body bytes as they were framed on the wire.
 *
 * @param requestLine e.g. {@code GET /bucket/key?acl HTTP/1.1}, without CRLF
 * @param headers in arrival order, duplicates kept
 * @param body the message body (chunked transfer coding removed); empty when none
 * @param wireBody the bytes after the head as received (chunk framing included)
 * @param chunked whether the body came with {@code Transfer-Encoding: chunked}
 */
public record ReceivedRequest(String requestLine, List<Header> headers, byte[] body, byte[] wireBody, boolean chunked) {

  /** @param rawLine the line as received, without CRLF (ISO-8859-1, byte for char) */
  public record Header(String name, String value, String rawLine) {}

  public ReceivedRequest {
    headers = List.copyOf(headers);
  }

  public String method() {
    return requestLine.substring(0, requestLine.indexOf(' '));
  }

  /** The request-target, raw: {@code /bucket/key?query}. */
  public String target() {
    int start = requestLine.indexOf(' ') + 1;
    int end = requestLine.lastIndexOf(' ');
    return end > start ? requestLine.substring(start, end) : requestLine.substring(start);
  }

  /** The raw path (percent-encoding kept). */
  public String path() {
    String t = target();
    int q = t.indexOf('?');
    return q < 0 ? t : t.substring(0, q);
  }

  /** The raw query after {@code ?}, or null when the target has no {@code ?}. */
  public String rawQuery() {
    String t = target();
    int q = t.indexOf('?');
    return q < 0 ? null : t.substring(q + 1);
  }

  /** The first value of a header, names compared case-insensitively; null when absent. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** Every value of a header, in arrival order. */
  public List<String> headerValues(String name) {
    List<String> values = new ArrayList<>();
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        values.add(h.value());
      }
    }
    return values;
  }

  /** Header names as sent (original case), in arrival order, duplicates kept. */
  public List<String> headerNames() {
    List<String> names = new ArrayList<>(headers.size());
    for (Header h : headers) {
      names.add(h.name());
    }
    return names;
  }

  public String bodyUtf8() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(requestLine).append('\n');
    headers.forEach(h -> s.append(h.rawLine()).append('\n'));
    return s.append("(").append(body.length).append(" body bytes").append(chunked ? ", chunked)" : ")").toString();
  }
}
