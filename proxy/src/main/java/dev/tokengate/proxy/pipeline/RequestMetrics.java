package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.metrics.ProxyMetrics;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts each S3 request when its response is written whole (operation, status), its body bytes
 * both ways and the time to the response head, and the open client connection. Sits where the
 * model is known; STS and IAM calls, answered before it, are counted by the query APIs' meter.
 *
 * <pre>… → S3RequestModeler → <b>RequestMetrics</b> → RequestAuthorizer → …</pre>
 */
public final class RequestMetrics extends ChannelDuplexHandler {
  /** The operation of a request refused before it had a model (authentication, framing, limits). */
  static final String NO_OPERATION = "none";
  private static final Map<S3Operation, String> NAMES = new EnumMap<>(S3Operation.class);

  static {
    for (S3Operation operation : S3Operation.values()) {
      StringBuilder name = new StringBuilder();
      for (String word : operation.name().split("_")) {
        name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
      }
      NAMES.put(operation, name.toString());
    }
  }

  /** The operation's AWS name ({@code PutObject}), as metrics and the audit trail name it. */
  static String operationName(S3Operation operation) {
    return NAMES.get(operation);
  }

  private final ProxyMetrics metrics;
  private boolean connected;
  /** The request in flight (one at a time: {@link PipelinedRequestHolder}), or null. */
  private String operation;
  private long started;
  private int status;

  public RequestMetrics(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connected = true;
    metrics.clientConnections().incrementAndGet();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connected) {
      connected = false;
      metrics.clientConnections().decrementAndGet();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ModeledRequest m) {
      begin(NAMES.get(m.model().operation()));
    } else if (msg instanceof FailedRequest && operation == null) {
      begin(NO_OPERATION);
    } else if (msg instanceof HttpContent content) {
      metrics.bytesReceived(content.content().readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  private void begin(String name) {
    operation = name;
    started = System.nanoTime();
    status = 0;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (operation != null) {
      if (msg instanceof HttpResponse response && response.status().code() >= 200) {
        status = response.status().code();
        metrics.firstByte(System.nanoTime() - started);
      }
      if (msg instanceof HttpContent content) {
        metrics.bytesSent(content.content().readableBytes());
      }
      if (msg instanceof LastHttpContent && status != 0) {
        metrics.request(operation, status);
        operation = null;
      }
    }
    ctx.write(msg, promise);
  }
}
