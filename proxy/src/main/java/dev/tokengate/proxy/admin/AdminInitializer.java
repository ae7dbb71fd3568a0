package dev.tokengate.proxy.admin;

import dev.tokengate.proxy.metrics.ProxyMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The admin listener's pipeline: its own port (loopback by default), small requests only. Nothing
 * here is reachable from the S3 port.
 */
public final class AdminInitializer extends ChannelInitializer<SocketChannel> {
  /** Scrapers and probes send bodiless GETs; anything larger is refused by the aggregator. */
  private static final int MAX_REQUEST_BYTES = 8 * 1024;
  /** Probes and scrapes keep a connection for seconds; an idle one is let go. */
  private static final int IDLE_SECONDS = 60;

  private final ProxyMetrics metrics;
  private final ReadinessProbe readiness;
  private final String bearerToken;

  /** @param bearerToken required of every request, or null for none */
  public AdminInitializer(ProxyMetrics metrics, ReadinessProbe readiness, String bearerToken) {
    this.metrics = metrics;
    this.readiness = readiness;
    this.bearerToken = bearerToken;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS))
        .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
        .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
        .addLast("admin", new AdminHandler(metrics, readiness, bearerToken));
  }
}
