package dev.tokengate.proxy.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.AbstractChannelPoolMap;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the backend, one pool per event loop so that a frontend channel and
 * the backend channel it forwards to share a thread (no locks, no volatile state in the relay).
 */
public final class BackendPool implements AutoCloseable {

  /** Idle pooled connections are closed before the backend's own idle timeout (Jetty: 30 s). */
  private static final int IDLE_SECONDS = 20;

  private final AbstractChannelPoolMap<EventLoop, SimpleChannelPool> pools;

  public BackendPool(InetSocketAddress address, int connectTimeoutMillis) {
    this.pools =
        new AbstractChannelPoolMap<>() {
          @Override
          protected SimpleChannelPool newPool(EventLoop loop) {
            Bootstrap bootstrap =
                new Bootstrap()
                    .group(loop)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .remoteAddress(address);
            return new SimpleChannelPool(bootstrap, new Initializer(), ChannelHealthChecker.ACTIVE, true, true);
          }
        };
  }

  /** A connection on {@code loop}'s thread; its pipeline ends in a {@link BackendResponseRelay}. */
  public Future<Channel> acquire(EventLoop loop) {
    return pools.get(loop).acquire();
  }

  /** Returns a connection whose last response was complete and which may be reused. */
  public void release(Channel channel) {
    pools.get(channel.eventLoop()).release(channel);
  }

  @Override
  public void close() {
    pools.close();
  }

  private static final class Initializer extends AbstractChannelPoolHandler {
    @Override
    public void channelCreated(Channel ch) {
      ch.pipeline()
          .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
          .addLast("codec", new HttpClientCodec(4096, 65536, 65536))
          .addLast("relay", new BackendResponseRelay());
    }

    @Override
    public void channelReleased(Channel ch) {
      BackendResponseRelay.of(ch).detach();
    }
  }

  /** Closes idle pooled connections (the pool's health check then skips them). */
  static boolean isIdleEvent(Object evt) {
    return evt instanceof IdleStateEvent;
  }
}
