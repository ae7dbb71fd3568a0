package dev.tokengate.proxy.harness;

import dev.tokengate.proxy.config.BackendConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server on 127.0.0.1 (port 0) that stands where the proxy expects its backend and records
 * every request exactly as received ({@link ReceivedRequest}: request line, header lines in order,
 * body). Either it relays each connection byte for byte to a real backend and the answers back
 * (state stays real: {@link #relayingTo}), or it answers as a fake S3 with a {@link Responder}
 * ({@link #fake}). One plain thread per connection direction; {@link #close()} stops them all.
 */
public final class BackendSpy implements AutoCloseable {

  /** The fake's answer to one request. */
  @FunctionalInterface
  public interface Responder {
    CannedResponse answer(ReceivedRequest request);

    static Responder always(CannedResponse response) {
      return request -> response;
    }
  }

  private final ServerSocket server;
  private final InetSocketAddress relayTarget;
  private final Responder responder;
  private final List<ReceivedRequest> requests = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<ReceivedRequest> unseen = new LinkedBlockingQueue<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private BackendSpy(InetSocketAddress relayTarget, Responder responder) throws IOException {
    this.relayTarget = relayTarget;
    this.responder = responder;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    spawn("spy-accept", this::acceptLoop);
  }

  /** Relays to the backend at {@code backend}'s endpoint. */
  public static BackendSpy relayingTo(BackendConfig backend) throws IOException {
    URI uri = backend.uri();
    return new BackendSpy(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()), null);
  }

  public static BackendSpy fake(Responder responder) throws IOException {
    return new BackendSpy(null, responder);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** {@code real}'s keys and region with this spy's endpoint: what the proxy is configured with. */
  public BackendConfig backendConfig(BackendConfig real) {
    return new BackendConfig(endpoint(), real.accessKey(), real.secretKey(), real.region());
  }

  /** Every request received since the last {@link #clear()}, in arrival order. */
  public List<ReceivedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The oldest request not yet taken, waiting up to {@code timeout}; null if none came. */
  public ReceivedRequest takeRequest(Duration timeout) throws InterruptedException {
    return unseen.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The only request received since the last clear; fails when there were none or several. */
  public ReceivedRequest onlyRequest() {
    List<ReceivedRequest> all = requests();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one backend request, got " + all.size() + ": " + all);
    }
    return all.get(0);
  }

  /** Connections the spy could not parse (what the proxy sent was not HTTP/1.1 it understands). */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  public void clear() {
    requests.clear();
    unseen.clear();
    failures.clear();
  }

  private void record(ReceivedRequest r) {
    requests.add(r);
    unseen.add(r);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      if (relayTarget != null) {
        spawn("spy-relay", () -> relay(client));
      } else {
        spawn("spy-fake", () -> fakeConnection(client));
      }
    }
  }

  private void relay(Socket client) {
    try (client; Socket backend = new Socket()) {
      open.add(backend);
      backend.connect(relayTarget, 5000);
      OutputStream toBackend = backend.getOutputStream();
      RequestParser parser = new RequestParser(this::record);
      Thread back = spawn("spy-relay-back", () -> pump(backend, client));
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        try {
          // Parsed before it is relayed, so a request is on record before the backend can answer it.
          parser.feed(buffer, 0, n);
        } catch (IOException unparseable) {
          failures.add(unparseable.getMessage());
          parser = new RequestParser(r -> { }); // keep relaying; the failure is on record
        }
        toBackend.write(buffer, 0, n);
      }
      shutdownOutput(backend);
      back.join(30_000);
    } catch (IOException | InterruptedException e) {
      if (!closed) {
        failures.add("relay: " + e);
      }
    } finally {
      open.remove(client);
    }
  }

  /** Backend to client, until the backend closes; then the client's side is closed too. */
  private void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException closedMeanwhile) {
      // The other direction ended the connection.
    } finally {
      shutdownOutput(to);
      open.remove(from);
    }
  }

  private void fakeConnection(Socket client) {
    try {
      fakeExchanges(client);
    } catch (IOException e) {
      // On record before the socket closes, so a client that sees the close sees the failure too.
      if (!closed) {
        failures.add(e.getMessage());
      }
    } finally {
      open.remove(client);
      try {
        client.close();
      } catch (IOException ignored) {
        // Already closed by the peer.
      }
    }
  }

  private void fakeExchanges(Socket client) throws IOException {
    InputStream in = client.getInputStream();
    OutputStream out = client.getOutputStream();
    boolean[] done = {false}; // set by the listener: hang up, or close after answering
    RequestParser parser =
        new RequestParser(
            new RequestParser.Listener() {
              @Override
              public void onHead(String requestLine, List<ReceivedRequest.Header> headers) throws IOException {
                for (ReceivedRequest.Header h : headers) {
                  if (h.name().equalsIgnoreCase("expect") && h.value().toLowerCase(Locale.ROOT).equals("100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    out.flush();
                  }
                }
              }

              @Override
              public void onRequest(ReceivedRequest request) throws IOException {
                record(request);
                if (done[0]) {
                  return; // pipelined behind a request that ended the connection
                }
                CannedResponse answer = responder.answer(request);
                if (answer.hangsUp()) {
                  done[0] = true;
                  return;
                }
                sleep(answer.delay());
                out.write(answer.encode(request.method().equals("HEAD")));
                out.flush();
                String connection = request.header("connection");
                done[0] = answer.closeAfter() || (connection != null && connection.equalsIgnoreCase("close"));
              }
            });
    byte[] buffer = new byte[64 * 1024];
    for (int n; !done[0] && (n = in.read(buffer)) > 0; ) {
      parser.feed(buffer, 0, n);
    }
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void shutdownOutput(Socket s) {
    try {
      if (!s.isClosed()) {
        s.shutdownOutput();
      }
    } catch (IOException alreadyGone) {
      // Nothing left to tell the peer.
    }
  }

  private Thread spawn(String name, Runnable body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } finally {
        threads.remove(Thread.currentThread());
      }
    }, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing is all we wanted.
    }
    for (Socket s : new ArrayList<>(open)) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Already closed by its peer.
      }
    }
    for (Thread t : new ArrayList<>(threads)) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
