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
 * backend never receives the whole body, and so never commits it, unless the hash matched. The
 * request head waits for the first piece of body: an empty body has no piece to hold back, and a
 * backend given the head of a 0-byte upload would commit it before the hash was compared.
 *
 * <pre>… → ExpectContinueResponder → <b>PayloadVerifier</b> → BackendForwarder → …</pre>
 */
public final class PayloadVerifier extends ChannelInboundHandlerAdapter {

  private final MessageDigest sha256;
  private AuthorizedRequest current;
  private HttpContent held;
  /** {@link #current} has not been passed on yet. */
  private boolean headHeld;

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
      headHeld = current != null;
      if (!headHeld) {
        ctx.fireChannelRead(msg);
      }
    } else if (msg instanceof HttpContent content && current != null) {
      for (ByteBuffer b : content.content().nioBuffers()) {
        sha256.update(b);
      }
      if (content instanceof LastHttpContent) {
        finish(ctx, content);
      } else {
        passHead(ctx, current);
        if (held != null) {
          ctx.fireChannelRead(held);
        }
        held = content;
      }
    } else {
      if (msg instanceof FailedRequest) {
        releaseHeld();
        current = null;
        headHeld = false;
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
      headHeld = false;
      ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
      return;
    }
    passHead(ctx, r);
    if (held != null) {
      ctx.fireChannelRead(held);
      held = null;
    }
    ctx.fireChannelRead(last);
  }

  private void passHead(ChannelHandlerContext ctx, AuthorizedRequest r) {
    if (headHeld) {
      headHeld = false;
      ctx.fireChannelRead(r);
    }
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
