package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.PayloadMode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks a body against the hex SHA-256 the client signed ({@code x-amz-content-sha256}) while it
 * streams through. The hash is only known at the end, so the newest piece of body is held back: the
 * backend never receives the whole body, and so never commits it, unless the hash matched.
 *
 * <pre>… → ExpectContinueResponder → <b>PayloadVerifier</b> → BackendForwarder → …</pre>
 */
public final class PayloadVerifier extends ChannelInboundHandlerAdapter {

  private final MessageDigest sha256;
  private AuthorizedRequest current;
  private HttpContent held;

  public PayloadVerifier() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r) {
      current = r.payloadMode() == PayloadMode.SIGNED ? r : null;
      sha256.reset();
      ctx.fireChannelRead(msg);
    } else if (msg instanceof HttpContent content && current != null) {
      for (ByteBuffer b : content.content().nioBuffers()) {
        sha256.update(b);
      }
      if (content instanceof LastHttpContent) {
        finish(ctx, content);
      } else {
        if (held != null) {
          ctx.fireChannelRead(held);
        }
        held = content;
      }
    } else {
      if (msg instanceof FailedRequest) {
        releaseHeld();
        current = null;
      }
      ctx.fireChannelRead(msg);
    }
  }

  private void finish(ChannelHandlerContext ctx, HttpContent last) {
    AuthorizedRequest r = current;
    current = null;
    String computed = HexFormat.of().formatHex(sha256.digest());
    String expected = r.verified().authorization().payloadHash();
    if (!computed.equalsIgnoreCase(expected)) {
      releaseHeld();
      last.release();
      S3Exception e =
          new S3Exception(
              S3Error.X_AMZ_CONTENT_SHA256_MISMATCH,
              S3Error.X_AMZ_CONTENT_SHA256_MISMATCH.defaultMessage(),
              java.util.Map.of("ClientComputedContentSHA256", expected, "S3ComputedContentSHA256", computed));
      ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
      return;
    }
    if (held != null) {
      ctx.fireChannelRead(held);
      held = null;
    }
    ctx.fireChannelRead(last);
  }

  private void releaseHeld() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }
}
