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
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Long> peerClosedStalled = new CopyOnWriteArrayList<>();
  private volatile RequestFault requestFault;
  private volatile boolean closed;
  private volatile Socket portHolder;

  /** A stalled connection the proxy has not closed after this long is reported as a failure. */
  private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

  /** Every request body dies after {@code afterBytes} (at least; counted in whole reads) with {@code fault}. */
  public record RequestFault(long afterBytes, CannedResponse.Fault fault) {}

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

  /**
   * From now on a fake cuts every request body short (a backend dying mid-upload); null restores
   * normal reading. {@link CannedResponse.Fault#STALL} stops reading without closing.
   */
  public void cutRequestBodies(RequestFault fault) {
    this.requestFault = fault;
  }

  /**
   * Stops listening and closes every open connection: from now on connecting is refused (a
   * backend that is gone, not slow). The port stays bound by a socket that never listens, so no
   * other listener (nor a connection's own ephemeral end) can take it while the test runs: a
   * connection there is refused for sure.
   */
  public void refuseConnections() {
    int port = server.getLocalPort();
    try {
      server.close();
    } catch (IOException ignored) {
      // Closed is what we wanted.
    }
    closeOpenSockets();
    // The connections just closed may hold the port for a moment (FIN_WAIT until the proxy closes
    // its side): retry the bind, bounded, rather than fail on the race.
    IOException last = null;
    long deadline = System.nanoTime() + 5_000_000_000L;
    do {
      Socket holder = new Socket();
      try {
        holder.setReuseAddress(true);
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        portHolder = holder;
        return;
      } catch (IOException e) {
        last = e;
        try {
          holder.close();
          Thread.sleep(20);
        } catch (IOException | InterruptedException ignored) {
          // retrying
        }
      }
    } while (System.nanoTime() < deadline);
    failures.add("could not keep port " + port + " bound: " + last);
  }

  /** Connections accepted and not yet closed (by either side). */
  public int openConnections() {
    return open.size();
  }

  /** Fault events in order (cut uploads, stalled connections the proxy closed), for assertion messages. */
  public List<String> faultEvents() {
    return List.copyOf(received);
  }

  /** How many stalled connections the proxy has closed so far. */
  public int stalledConnectionsClosedByProxy() {
    return peerClosedStalled.size();
  }

  public void clear() {
    requestFault = null;
    received.clear();
    peerClosedStalled.clear();
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
    long[] bodyRead = {-1}; // bytes read since the last head, -1 between requests
    RequestParser parser =
        new RequestParser(
            new RequestParser.Listener() {
              @Override
              public void onHead(String requestLine, List<ReceivedRequest.Header> headers) throws IOException {
                bodyRead[0] = 0;
                for (ReceivedRequest.Header h : headers) {
                  if (h.name().equalsIgnoreCase("expect") && h.value().toLowerCase(Locale.ROOT).equals("100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    out.flush();
                  }
                }
              }

              @Override
              public void onRequest(ReceivedRequest request) throws IOException {
                bodyRead[0] = -1;
                record(request);
                if (done[0]) {
                  return; // pipelined behind a request that ended the connection
                }
                CannedResponse answer = responder.answer(request);
                done[0] = !deliver(client, answer, request.method().equals("HEAD"));
                String connection = request.header("connection");
                done[0] |= answer.closeAfter() || (connection != null && connection.equalsIgnoreCase("close"));
              }
            });
    byte[] buffer = new byte[64 * 1024];
    for (int n; !done[0] && (n = in.read(buffer)) > 0; ) {
      RequestFault cut = requestFault;
      if (cut != null && bodyRead[0] >= cut.afterBytes()) {
        // The head came and at least afterBytes of its body: the upload dies here.
        received.add("request cut after " + bodyRead[0] + " body bytes: " + cut.fault());
        if (cut.fault() == CannedResponse.Fault.STALL) {
          sleep(STALL_LIMIT); // not reading any more; ends when the spy closes
        } else {
          fault(client, cut.fault());
        }
        return;
      }
      if (bodyRead[0] >= 0) {
        bodyRead[0] += n;
      }
      parser.feed(buffer, 0, n);
    }
  }

  /** Writes {@code answer} as its {@link CannedResponse.Delivery} says; false when the connection is done. */
  private boolean deliver(Socket client, CannedResponse answer, boolean headRequest) throws IOException {
    CannedResponse.Delivery d = answer.delivery();
    if (d.cutAfter() == CannedResponse.Delivery.BEFORE_HEAD) {
      fault(client, d.fault());
      return false;
    }
    sleep(answer.delay());
    OutputStream out = client.getOutputStream();
    out.write(answer.encodeHead());
    out.flush();
    byte[] body = headRequest ? new byte[0] : answer.body();
    int end = (int) Math.min(body.length, d.cutAfter());
    int piece = d.pieceBytes() > 0 ? d.pieceBytes() : Math.max(1, end);
    for (int off = 0; off < end; off += piece) {
      if (off > 0) {
        sleep(d.gap());
      }
      out.write(body, off, Math.min(piece, end - off));
      out.flush();
    }
    if (end < body.length) {
      fault(client, d.fault());
      return false;
    }
    return true;
  }

  private void fault(Socket client, CannedResponse.Fault fault) throws IOException {
    switch (fault) {
      case CLOSE -> client.close();
      case RESET -> {
        client.setSoLinger(true, 0);
        client.close();
      }
      case STALL -> {
        // Silent, but reading: the proxy giving up shows as end of stream, which is then on record.
        client.setSoTimeout((int) STALL_LIMIT.toMillis());
        byte[] drain = new byte[8192];
        try {
          while (client.getInputStream().read(drain) >= 0) {
            // Whatever else the proxy sends is ignored.
          }
          received.add("stalled connection closed by the proxy");
          peerClosedStalled.add(System.nanoTime());
        } catch (java.net.SocketTimeoutException neverClosed) {
          failures.add("the proxy kept a stalled connection open for " + STALL_LIMIT);
        }
      }
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

  private void closeOpenSockets() {
    for (Socket s : new ArrayList<>(open)) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Already closed by its peer.
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
      if (portHolder != null) {
        portHolder.close();
      }
    } catch (IOException ignored) {
      // Closing is all we wanted.
    }
    closeOpenSockets();
    for (Thread t : new ArrayList<>(threads)) {
      t.interrupt(); // a fake asleep in a delay or a stall
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
