package dev.tokengate.proxy.backend;

import dev.tokengate.proxy.metrics.ProxyMetrics;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Times each backend exchange (request head written → response head, → response's last byte) and
 * counts the open backend connection.
 *
 * <pre>HttpClientCodec → <b>BackendTimings</b> → BackendStallTimer → BackendResponseRelay</pre>
 */
final class BackendTimings extends ChannelDuplexHandler {
  private final ProxyMetrics metrics;
  private boolean connected;
  /** When the request in flight was written; 0 when none is. */
  private long sent;

  BackendTimings(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connected = true;
    metrics.backendConnections().incrementAndGet();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connected) {
      connected = false;
      metrics.backendConnections().decrementAndGet();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest) {
      sent = System.nanoTime();
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (sent != 0) {
      if (msg instanceof HttpResponse response && response.status().code() >= 200) {
        metrics.backendFirstByte(System.nanoTime() - sent);
      }
      if (msg instanceof LastHttpContent) {
        metrics.backendRequest(System.nanoTime() - sent);
        sent = 0;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
