package dev.tokengate.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An in-process stand-in for the backend that answers each request with the reply a test chose
 * (status, headers, body) and records what it received. Loopback only; close it after the test.
 */
final class ScriptedBackend implements AutoCloseable {

  /** One request as the backend saw it. */
  record Received(String method, String uri, Map<String, List<String>> headers) {}

  /** What to answer; {@code body} null sends no body (HEAD, 304). */
  record Reply(int status, Map<String, String> headers, String body) {
    static Reply xml(int status, String body, String... headers) {
      Map<String, String> h = new java.util.LinkedHashMap<>();
      h.put("Content-Type", "application/xml");
      for (int i = 0; i < headers.length; i += 2) {
        h.put(headers[i], headers[i + 1]);
      }
      return new Reply(status, h, body);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Reply> script = r -> Reply.xml(500, "<Error><Code>InternalError</Code></Error>");

  ScriptedBackend() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  void answer(Function<Received, Reply> script) {
    this.script = script;
  }

  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Received> received() {
    return received;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
          Map.copyOf(exchange.getRequestHeaders()));
      received.add(r);
      Reply reply = script.apply(r);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = reply.body() == null ? null : reply.body().getBytes(StandardCharsets.UTF_8);
      boolean noBody = body == null || r.method().equals("HEAD");
      exchange.sendResponseHeaders(reply.status(), noBody ? -1 : body.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
