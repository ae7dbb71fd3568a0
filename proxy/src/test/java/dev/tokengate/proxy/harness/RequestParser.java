package dev.tokengate.proxy.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An incremental HTTP/1.1 request reader for {@link BackendSpy}: fed the bytes of one connection in
 * whatever pieces they arrive, it reports each head as soon as it is complete (so a fake can answer
 * {@code 100 Continue}) and each request once its body is. Strict about what it does not
 * understand: a head without a blank line within 64 KiB, a bad Content-Length or chunk size, or
 * both Content-Length and Transfer-Encoding fail the connection with an IOException.
 */
final class RequestParser {
  private static final int MAX_HEAD = 64 * 1024;

  interface Listener {
    /** The head is complete and the body (if any) follows. */
    default void onHead(String requestLine, List<ReceivedRequest.Header> headers) throws IOException {}

    void onRequest(ReceivedRequest request) throws IOException;
  }

  private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER }

  private final Listener listener;
  private State state = State.HEAD;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
  private String requestLine;
  private List<ReceivedRequest.Header> headers;
  private long remaining;
  private boolean chunked;

  RequestParser(Listener listener) {
    this.listener = listener;
  }

  /** True between requests: nothing of a next request has arrived yet. */
  boolean idle() {
    return state == State.HEAD && head.size() == 0 && line.size() == 0;
  }

  void feed(byte[] buf, int off, int len) throws IOException {
    int i = off;
    int end = off + len;
    while (i < end) {
      switch (state) {
        case HEAD, CHUNK_SIZE, CHUNK_DATA_END, TRAILER -> {
          byte b = buf[i++];
          if (state != State.HEAD) {
            wire.write(b);
          }
          line.write(b);
          if (line.size() + head.size() > MAX_HEAD) {
            throw new IOException("spy: request head or chunk line longer than " + MAX_HEAD + " bytes");
          }
          if (b == '\n') {
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            onLine(text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.substring(0, text.length() - 1));
          }
        }
        case FIXED_BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          body.write(buf, i, n);
          wire.write(buf, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            if (state == State.FIXED_BODY) {
              complete();
            } else {
              state = State.CHUNK_DATA_END;
            }
          }
        }
      }
    }
  }

  private void onLine(String text) throws IOException {
    switch (state) {
      case HEAD -> {
        if (!text.isEmpty()) {
          head.writeBytes((text + "\n").getBytes(StandardCharsets.ISO_8859_1));
          return;
        }
        if (head.size() == 0) {
          return; // a stray CRLF between requests, which RFC 9112 lets a server ignore
        }
        parseHead();
      }
      case CHUNK_SIZE -> {
        int semicolon = text.indexOf(';');
        String hex = (semicolon < 0 ? text : text.substring(0, semicolon)).trim();
        try {
          remaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("spy: bad chunk size line '" + text + "'");
        }
        state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
      }
      case CHUNK_DATA_END -> {
        if (!text.isEmpty()) {
          throw new IOException("spy: chunk data not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILER -> {
        if (text.isEmpty()) {
          complete();
        }
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  private void parseHead() throws IOException {
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\n");
    requestLine = lines[0];
    headers = new ArrayList<>();
    String contentLength = null;
    String transferEncoding = null;
    for (int k = 1; k < lines.length; k++) {
      String raw = lines[k];
      int colon = raw.indexOf(':');
      if (colon <= 0) {
        throw new IOException("spy: header line without a name: '" + raw + "'");
      }
      String name = raw.substring(0, colon);
      String value = raw.substring(colon + 1).strip();
      headers.add(new ReceivedRequest.Header(name, value, raw));
      switch (name.toLowerCase(Locale.ROOT)) {
        case "content-length" -> contentLength = value;
        case "transfer-encoding" -> transferEncoding = value;
        default -> { }
      }
    }
    listener.onHead(requestLine, headers);
    if (contentLength != null && transferEncoding != null) {
      throw new IOException("spy: both Content-Length and Transfer-Encoding");
    }
    if (transferEncoding != null) {
      if (!transferEncoding.equalsIgnoreCase("chunked")) {
        throw new IOException("spy: unsupported Transfer-Encoding " + transferEncoding);
      }
      chunked = true;
      state = State.CHUNK_SIZE;
    } else if (contentLength != null && !contentLength.equals("0")) {
      try {
        remaining = Long.parseLong(contentLength);
      } catch (NumberFormatException e) {
        throw new IOException("spy: bad Content-Length " + contentLength);
      }
      if (remaining < 0) {
        throw new IOException("spy: negative Content-Length");
      }
      state = State.FIXED_BODY;
    } else {
      complete();
    }
  }

  private void complete() throws IOException {
    ReceivedRequest request = new ReceivedRequest(requestLine, headers, body.toByteArray(), wire.toByteArray(), chunked);
    head.reset();
    body.reset();
    wire.reset();
    chunked = false;
    state = State.HEAD;
    listener.onRequest(request);
  }
}
