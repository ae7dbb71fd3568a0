package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3ErrorBody;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.sts.StsErrorMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's tail: writes every S3 error response (XML {@code <Error>} with the request id; a
 * HEAD gets the status alone), and turns any exception that escaped a handler into a 500 {@code
 * InternalError}, logged once with its stack trace and never shown to the client.
 *
 * <pre>… → BackendForwarder → <b>ErrorResponder</b></pre>
 */
public final class ErrorResponder extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
  private static final String HOST_ID = "tokengate";
  private static final String RETRY_AFTER_SECONDS = "1";

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FailedRequest failed) {
      respond(ctx, failed);
      return;
    }
    ReferenceCountUtil.release(msg);
    throw new IllegalStateException("ErrorResponder is the tail: no handler consumed a " + msg.getClass().getName());
  }

  static void respond(ChannelHandlerContext ctx, FailedRequest failed) {
    S3Exception e = failed.error();
    LOG.debug("request {} failed: {} {}", failed.requestId(), e.code(), e.getMessage());
    if (failed.service() != Service.S3) {
      StsResponder.error(ctx, failed.service(), failed.requestId(), StsErrorMapper.fromS3(e), failed.closeConnection());
      return;
    }
    FullHttpResponse response = render(failed);
    if (failed.closeConnection()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  /**
   * The S3 error response for a failed request: {@code <Error>} with Code, Message, extra elements,
   * Resource, our request id; a HEAD gets the status and headers alone.
   */
  static FullHttpResponse render(FailedRequest failed) {
    S3Exception e = failed.error();
    boolean head = failed.head() != null && HttpMethod.HEAD.equals(failed.head().method());
    byte[] body =
        head ? new byte[0] : S3ErrorBody.render(e, resource(failed), failed.requestId(), HOST_ID);
    FullHttpResponse response = new RenderedError(HttpResponseStatus.valueOf(e.status()), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set("x-amz-request-id", failed.requestId());
    String region = e.extraElements().get("Region");
    if (region != null) {
      // As S3 does: a HEAD has no body, and SDKs find the region to re-sign for in this header.
      response.headers().set("x-amz-bucket-region", region);
    }
    if (e.error() == S3Error.SERVICE_UNAVAILABLE) {
      // The backend is down, refusing or stalled: a hint to back off before the retry SDKs make anyway.
      response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    return response;
  }

  private static String resource(FailedRequest failed) {
    if (failed.head() == null) {
      return null;
    }
    String uri = failed.head().uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    try {
      return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException badEscape) {
      return path;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      // The peer reset or broke the connection: nobody is left to answer.
      LOG.debug("connection {} failed: {}", ctx.channel(), cause.toString());
      ctx.close();
      return;
    }
    if (cause instanceof DecoderException) {
      // Bytes a codec could not decode (a frame too long, not TLS, …) are the client's doing: S3's
      // 400, no stack trace, and the connection closed since its framing is lost.
      LOG.debug("connection {} sent what cannot be decoded: {}", ctx.channel(), cause.toString());
      answer(ctx, new S3Exception(S3Error.INVALID_REQUEST, "The request could not be decoded."));
      return;
    }
    // Client input is refused by the handlers with an S3Exception: anything else here is a bug.
    LOG.error("unexpected failure on {}; answering 500 InternalError", ctx.channel(), cause);
    answer(ctx, new S3Exception(S3Error.INTERNAL_ERROR));
  }

  private static void answer(ChannelHandlerContext ctx, S3Exception e) {
    if (ctx.channel().isActive()) {
      respond(ctx, new FailedRequest(null, RequestIds.next(), Service.S3, e, true));
    }
  }
}
