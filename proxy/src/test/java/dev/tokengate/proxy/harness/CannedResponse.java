package dev.tokengate.proxy.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fake {@link BackendSpy} answers: status, headers and body, written after {@code delay};
 * {@code Content-Length} is added unless a header sets it or {@code Transfer-Encoding}. A response
 * marked {@link #hangUp()} closes the connection without a byte, for fault tests.
 */
public record CannedResponse(
    int status, List<String[]> headers, byte[] body, boolean closeAfter, Duration delay, boolean hangsUp) {

  public CannedResponse {
    headers = List.copyOf(headers);
  }

  public static CannedResponse of(int status) {
    return new CannedResponse(status, List.of(), new byte[0], false, Duration.ZERO, false);
  }

  public static CannedResponse of(int status, String contentType, String body) {
    return of(status).withHeader("Content-Type", contentType).withBody(body.getBytes(StandardCharsets.UTF_8));
  }

  /** An S3 error document as backends write them, with whatever extra elements a test wants to leak. */
  public static CannedResponse s3Error(int status, String code, String message, String... extraElements) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>").append(code)
        .append("</Code><Message>").append(message).append("</Message>");
    for (int i = 0; i + 1 < extraElements.length; i += 2) {
      xml.append('<').append(extraElements[i]).append('>').append(extraElements[i + 1]).append("</")
          .append(extraElements[i]).append('>');
    }
    return of(status, "application/xml", xml.append("</Error>").toString());
  }

  /** Closes the connection as soon as the request has arrived, answering nothing. */
  public static CannedResponse hangUp() {
    return new CannedResponse(0, List.of(), new byte[0], true, Duration.ZERO, true);
  }

  public CannedResponse withHeader(String name, String value) {
    List<String[]> more = new ArrayList<>(headers);
    more.add(new String[] {name, value});
    return new CannedResponse(status, more, body, closeAfter, delay, hangsUp);
  }

  public CannedResponse withBody(byte[] newBody) {
    return new CannedResponse(status, headers, newBody, closeAfter, delay, hangsUp);
  }

  /** {@code Connection: close} and the connection closed after the response. */
  public CannedResponse closingConnection() {
    return new CannedResponse(status, headers, body, true, delay, hangsUp).withHeader("Connection", "close");
  }

  public CannedResponse delayedBy(Duration d) {
    return new CannedResponse(status, headers, body, closeAfter, d, hangsUp);
  }

  /** The bytes on the wire; a response to HEAD carries its headers but no body. */
  byte[] encode(boolean headRequest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("HTTP/1.1 " + status + " " + reason(status) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    boolean framed = false;
    for (String[] h : headers) {
      framed |= h[0].equalsIgnoreCase("content-length") || h[0].equalsIgnoreCase("transfer-encoding");
      out.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    if (!framed) {
      out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (!headRequest) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 206 -> "Partial Content";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
