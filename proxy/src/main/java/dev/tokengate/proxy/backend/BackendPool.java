package dev.tokengate.proxy.backend;

import dev.tokengate.proxy.config.BackendTimeouts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import dev.tokengate.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the backend, one set per event loop so that a frontend channel and
 * the backend channel it forwards to share a thread (no locks, no volatile state in the relay).
 * Each set is touched only on its own loop. Idle connections are reused most recent first, since
 * the one used last is the least likely to have been closed by the backend meanwhile.
 */
public final class BackendPool implements AutoCloseable {

  /** Idle pooled connections are closed before the backend's own idle timeout (Jetty: 30 s). */
  private static final int IDLE_SECONDS = 20;

  /** Idle connections kept per event loop; more are closed on release. */
  private static final int MAX_IDLE_PER_LOOP = 256;

  private final Bootstrap bootstrap;
  private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
  private final ChannelGroup all = new DefaultChannelGroup("backend", GlobalEventExecutor.INSTANCE);

  private final BackendCircuit circuit;

  public BackendPool(InetSocketAddress address, BackendTimeouts timeouts, BackendCircuit circuit, ProxyMetrics metrics) {
    this.circuit = circuit;
    this.bootstrap =
        new Bootstrap()
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeouts.connect().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .remoteAddress(address)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    BackendStallTimer timer = new BackendStallTimer(timeouts.response(), timeouts.idle());
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                        .addLast("codec", new HttpClientCodec(4096, 65536, 65536))
                        .addLast("timings", new BackendTimings(metrics))
                        .addLast("stall", timer)
                        .addLast("relay", new BackendResponseRelay(timer, circuit));
                  }
                });
  }

  /**
   * A connection on {@code loop}'s thread (call on that thread); its pipeline ends in a {@link
   * BackendResponseRelay}.
   *
   * @param fresh a new connection, never a pooled one (a retry after a pooled one turned out dead)
   * @return fails with {@link BackendCircuit.Open} while the backend is considered down
   */
  public Future<Channel> acquire(EventLoop loop, boolean fresh) {
    if (!loop.inEventLoop()) {
      throw new IllegalStateException("backend connections are acquired on their own event loop");
    }
    BackendCircuit.Admission admission = circuit.admit();
    if (admission == BackendCircuit.Admission.REFUSED) {
      return loop.newFailedFuture(new BackendCircuit.Open());
    }
    boolean probe = admission == BackendCircuit.Admission.PROBE;
    if (!fresh) {
      ArrayDeque<Channel> waiting = idleOn(loop);
      for (Channel ch; (ch = waiting.pollFirst()) != null; ) {
        if (ch.isActive()) {
          BackendResponseRelay.of(ch).admitted(probe);
          return loop.newSucceededFuture(ch);
        }
        ch.close();
      }
    }
    Promise<Channel> connected = loop.newPromise();
    ChannelFuture connecting = bootstrap.clone(loop).connect();
    connecting.addListener(f -> {
      if (f.isSuccess()) {
        Channel ch = connecting.channel();
        BackendResponseRelay.of(ch).admitted(probe);
        all.add(ch);
        ch.closeFuture().addListener(closed -> idleOn(loop).remove(ch));
        if (!connected.trySuccess(ch)) {
          release(ch); // the promise was cancelled meanwhile; the circuit hears it was given up
          ch.close();
        }
      } else {
        circuit.failed(probe);
        connected.tryFailure(f.cause());
      }
    });
    return connected;
  }

  /**
   * Returns a connection after an exchange, or one acquired and then not used: kept for reuse if
   * still open, else let go.
   */
  public void release(Channel channel) {
    BackendResponseRelay.of(channel).detach();
    ArrayDeque<Channel> waiting = idleOn(channel.eventLoop());
    if (channel.isActive() && waiting.size() < MAX_IDLE_PER_LOOP) {
      waiting.addFirst(channel);
    } else {
      channel.close();
    }
  }

  private ArrayDeque<Channel> idleOn(EventLoop loop) {
    return idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
  }

  @Override
  public void close() {
    all.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
