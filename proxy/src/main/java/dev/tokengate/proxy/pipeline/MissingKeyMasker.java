package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * S3 does not tell a caller who may not list a bucket whether a key exists: for such a caller
 * (see {@link AuthorizedRequest#hideMissingKeys()}) a 404 from the backend becomes 403
 * AccessDenied. Owns both directions: it learns the rule from the inbound request and applies it
 * to the outbound response.
 *
 * <pre>… → BucketDocumentHandler → <b>MissingKeyMasker</b> → … → BackendForwarder</pre>
 */
public final class MissingKeyMasker extends ChannelDuplexHandler {
  private HttpRequest hidingFor;
  private String requestId;
  private boolean masking;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r) {
      hidingFor = r.hideMissingKeys() ? r.head() : null;
      requestId = r.requestId();
      masking = false;
    } else if (msg instanceof FailedRequest) {
      hidingFor = null;
      masking = false;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (hidingFor != null && !masking && msg instanceof HttpResponse response) {
      if (response.status().code() == 404) {
        masking = true;
      } else {
        hidingFor = null; // this request's answer is not a 404: nothing to hide
      }
    }
    if (!masking) {
      ctx.write(msg, promise);
      return;
    }
    boolean last = msg instanceof LastHttpContent;
    ReferenceCountUtil.release(msg);
    promise.setSuccess();
    if (last) {
      HttpRequest head = hidingFor;
      hidingFor = null;
      masking = false;
      ErrorResponder.respond(ctx, new FailedRequest(head, requestId, Service.S3, new S3Exception(S3Error.ACCESS_DENIED), false));
    }
  }
}
