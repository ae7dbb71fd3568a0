package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.audit.AuditTrail;
import dev.tokengate.proxy.identity.Caller;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One audit record per S3 request, written when its response is complete: who (the model's
 * caller), what (operation, bucket, key), the outcome (status, the S3 error code of the error
 * document) and the bytes both ways. A request refused before it had a model (authentication,
 * framing, limits) is recorded too, with no identity. STS and IAM calls are recorded by the
 * query APIs' wrapper instead.
 *
 * <pre>… → S3RequestModeler → RequestMetrics → <b>AuditRecorder</b> → RequestAuthorizer → …</pre>
 */
public final class AuditRecorder extends ChannelDuplexHandler {
  private static final Pattern CODE = Pattern.compile("<Code>([A-Za-z0-9.]{1,64})</Code>");

  private final AuditTrail trail;
  private String operation;
  private Caller caller;
  private String bucket;
  private String key;
  private HttpRequest head;
  private String requestId;
  private long bytesIn;
  private long bytesOut;
  private int status;
  private String errorCode;

  public AuditRecorder(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ModeledRequest m) {
      begin(RequestMetrics.operationName(m.model().operation()), m.authenticated().head(),
          m.authenticated().requestId());
      caller = m.authenticated().caller();
      bucket = m.model().bucket();
      key = m.model().key();
    } else if (msg instanceof FailedRequest f && operation == null) {
      begin("none", f.head(), f.requestId());
    } else if (msg instanceof HttpContent content && operation != null) {
      bytesIn += content.content().readableBytes();
    }
    ctx.fireChannelRead(msg);
  }

  private void begin(String name, HttpRequest request, String id) {
    operation = name;
    head = request;
    requestId = id;
    caller = null;
    bucket = null;
    key = null;
    bytesIn = 0;
    bytesOut = 0;
    status = 0;
    errorCode = null;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (operation != null) {
      if (msg instanceof HttpResponse response && response.status().code() >= 200) {
        status = response.status().code();
        if (status >= 300 && msg instanceof FullHttpResponse full) {
          errorCode = code(full.content());
        }
      }
      if (msg instanceof HttpContent content) {
        bytesOut += content.content().readableBytes();
      }
      if (msg instanceof LastHttpContent && status != 0) {
        record(ctx);
      }
    }
    ctx.write(msg, promise);
  }

  private void record(ChannelHandlerContext ctx) {
    boolean readOnly = head != null && (head.method() == HttpMethod.GET || head.method() == HttpMethod.HEAD);
    trail.s3(new AuditTrail.S3Event(operation, caller, bucket, key, ctx.channel().remoteAddress(),
        head == null ? null : head.headers().get(HttpHeaderNames.USER_AGENT), requestId, status,
        errorCode, readOnly, bytesIn, bytesOut));
    operation = null;
    head = null;
    caller = null;
  }

  /** The error document's code (the first 4 KiB suffice: it comes first). */
  private static String code(ByteBuf body) {
    int n = Math.min(body.readableBytes(), 4096);
    Matcher m = CODE.matcher(body.toString(body.readerIndex(), n, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }
}
