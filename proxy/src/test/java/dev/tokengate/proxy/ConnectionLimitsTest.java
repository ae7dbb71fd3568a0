package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.RawHttp;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The count limits, each refused the documented way: a connection beyond {@code maxConnections}
 * gets 503 SlowDown and is closed; the last request {@code maxRequestsPerConnection} allows is
 * answered with {@code Connection: close}; an STS form over {@code maxQueryFormBytes} gets 413.
 * Raw sockets only, so no client connection pool counts against the limit behind the test's back.
 */
@Timeout(60)
class ConnectionLimitsTest {
  private static final int MAX_CONNECTIONS = 4;
  private static final int MAX_REQUESTS = 3;

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      limits:
        maxConnections: %d
        maxRequestsPerConnection: %d
        maxQueryFormBytes: 4096
      """.formatted(MAX_CONNECTIONS, MAX_REQUESTS));

  private String get() {
    return "GET /nobucket/ HTTP/1.1\r\nHost: " + proxy.hostPort() + "\r\n\r\n";
  }

  private String getAndClose() {
    return "GET /nobucket/ HTTP/1.1\r\nHost: " + proxy.hostPort() + "\r\nConnection: close\r\n\r\n";
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void connectionBeyondTheLimitIsSlowDownThenServedOnceOthersClose() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
        held.add(s);
      }
      // Connected is not yet counted: the proxy counts on its event loops, shortly after accept.
      Thread.sleep(500);
      String refused = RawHttp.exchange(proxy.endpoint(), getAndClose().getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
      assertEquals(503, RawHttp.status(refused), refused);
      assertTrue(refused.contains("<Code>SlowDown</Code>"), refused);
      assertTrue(refused.toLowerCase(Locale.ROOT).contains("connection: close"), refused);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // The proxy sees the closes asynchronously: retry briefly, as a client backing off would.
    String served = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      served = RawHttp.exchange(proxy.endpoint(), getAndClose().getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
      if (RawHttp.status(served) != 503) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(RawHttp.status(served) != 503 && RawHttp.status(served) > 0, served);
  }

  @Test
  void theLastRequestAConnectionMayCarryClosesIt() throws Exception {
    // One more than allowed, pipelined: the extra one is never answered on this connection.
    String requests = get().repeat(MAX_REQUESTS + 1);
    long start = System.nanoTime();
    String responses = RawHttp.exchange(proxy.endpoint(), requests.getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(20));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(MAX_REQUESTS, count(responses, "HTTP/1.1 "), responses);
    String last = responses.substring(responses.lastIndexOf("HTTP/1.1 "));
    assertTrue(last.toLowerCase(Locale.ROOT).contains("connection: close"), last);
    assertEquals(1, count(responses.toLowerCase(Locale.ROOT), "connection: close"), responses);
    assertTrue(elapsedMillis < 15_000, "the proxy closed the connection itself: " + elapsedMillis + " ms");
  }

  @Test
  void stsFormOverTheBoundIs413() throws IOException {
    String form = "Action=GetSessionToken&Version=2011-06-15&Padding=" + "p".repeat(5000);
    String request = "POST / HTTP/1.1\r\nHost: " + proxy.hostPort()
        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
        + "\r\nConnection: close\r\n\r\n" + form;
    String response = RawHttp.exchange(proxy.endpoint(), request.getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
    assertEquals(413, RawHttp.status(response), response);
    assertTrue(response.contains("<ErrorResponse") && response.contains("<Code>RequestEntityTooLarge</Code>")
        && response.contains("<Type>Sender</Type>") && response.contains("<RequestId>"), response);
    assertTrue(response.toLowerCase(Locale.ROOT).contains("connection: close"), response);
  }

  @Test
  void stsFormWithinTheBoundIsRead() throws IOException {
    String form = "Action=GetSessionToken&Version=2011-06-15";
    String request = "POST / HTTP/1.1\r\nHost: " + proxy.hostPort()
        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
        + "\r\nConnection: close\r\n\r\n" + form;
    String response = RawHttp.exchange(proxy.endpoint(), request.getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
    // Unsigned, so refused by authentication: proof the body got past the size bound.
    assertEquals(403, RawHttp.status(response), response);
    assertTrue(response.contains("<Code>MissingAuthenticationToken</Code>"), response);
  }
}
