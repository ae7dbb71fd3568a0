package dev.tokengate.proxy.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fake {@link BackendSpy} answers: status, headers and body, written after {@code delay};
 * {@code Content-Length} is added unless a header sets it or {@code Transfer-Encoding}. For fault
 * tests, a {@link Delivery} says how the bytes go out: in timed pieces (a slow trickle), or cut
 * short by a {@link Fault} before the head ({@link #hangUp()}, {@link #resetConnection()}, {@link
 * #stall()}) or after some bytes of the body ({@link #cutAfter}).
 */
public record CannedResponse(
    int status, List<String[]> headers, byte[] body, boolean closeAfter, Duration delay, Delivery delivery) {

  /** How the fake stops short. */
  public enum Fault {
    /** Sends nothing more and waits until the proxy closes the connection. */
    STALL,
    /** Closes the connection (FIN). */
    CLOSE,
    /** Resets the connection (RST: SO_LINGER 0, then close). */
    RESET
  }

  /**
   * @param pieceBytes the body goes out in writes of this many bytes, {@code gap} apart; 0: at once
   * @param cutAfter body bytes sent before {@code fault}; {@link #BEFORE_HEAD}: not even the head;
   *     {@link #NEVER}: the response is complete
   */
  public record Delivery(int pieceBytes, Duration gap, long cutAfter, Fault fault) {
    public static final long BEFORE_HEAD = -1;
    public static final long NEVER = Long.MAX_VALUE;
    static final Delivery WHOLE = new Delivery(0, Duration.ZERO, NEVER, null);
  }

  public CannedResponse {
    headers = List.copyOf(headers);
  }

  public static CannedResponse of(int status) {
    return new CannedResponse(status, List.of(), new byte[0], false, Duration.ZERO, Delivery.WHOLE);
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
    return of(0).cut(Delivery.BEFORE_HEAD, Fault.CLOSE);
  }

  /** Resets the connection as soon as the request has arrived, answering nothing. */
  public static CannedResponse resetConnection() {
    return of(0).cut(Delivery.BEFORE_HEAD, Fault.RESET);
  }

  /** Answers nothing at all, until the proxy gives up and closes the connection. */
  public static CannedResponse stall() {
    return of(0).cut(Delivery.BEFORE_HEAD, Fault.STALL);
  }

  /** The head and the first {@code bodyBytes} of the body, then {@code fault}. */
  public CannedResponse cutAfter(long bodyBytes, Fault fault) {
    if (bodyBytes < 0 || bodyBytes >= body.length) {
      throw new IllegalArgumentException("cut inside the body: 0 to " + (body.length - 1) + " bytes");
    }
    return cut(bodyBytes, fault);
  }

  private CannedResponse cut(long bodyBytes, Fault fault) {
    return new CannedResponse(status, headers, body, closeAfter, delay,
        new Delivery(delivery.pieceBytes(), delivery.gap(), bodyBytes, fault));
  }

  /** The body in writes of {@code pieceBytes}, {@code gap} apart: a slow but live backend. */
  public CannedResponse trickled(int pieceBytes, Duration gap) {
    return new CannedResponse(status, headers, body, closeAfter, delay,
        new Delivery(pieceBytes, gap, delivery.cutAfter(), delivery.fault()));
  }

  /** Whether nothing at all is answered. */
  public boolean hangsUp() {
    return delivery.cutAfter() == Delivery.BEFORE_HEAD;
  }

  public CannedResponse withHeader(String name, String value) {
    List<String[]> more = new ArrayList<>(headers);
    more.add(new String[] {name, value});
    return new CannedResponse(status, more, body, closeAfter, delay, delivery);
  }

  public CannedResponse withBody(byte[] newBody) {
    return new CannedResponse(status, headers, newBody, closeAfter, delay, delivery);
  }

  /** {@code Connection: close} and the connection closed after the response. */
  public CannedResponse closingConnection() {
    return new CannedResponse(status, headers, body, true, delay, delivery).withHeader("Connection", "close");
  }

  /** The head is written after {@code d} (a stall before the headers that does end). */
  public CannedResponse delayedBy(Duration d) {
    return new CannedResponse(status, headers, body, closeAfter, d, delivery);
  }

  /** The status line and headers on the wire; a response to HEAD announces a body it does not carry. */
  byte[] encodeHead() {
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
