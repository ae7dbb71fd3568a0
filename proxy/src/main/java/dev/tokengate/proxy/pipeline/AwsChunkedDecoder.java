package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.AuthFailureMapper;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.chunked.AwsChunkedParser;
import dev.tokengate.sigv4.chunked.ChunkSignatureChain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Strips aws-chunked framing ({@code STREAMING-*} payloads) while verifying every chunk signature,
 * the trailer signature and the trailer checksum; plain bytes go on. As with {@link
 * PayloadVerifier}, the newest decoded piece is held back until the body verified to its end, so
 * the backend never receives a complete body that failed. The request head itself waits for the
 * first decoded byte: an empty body has no last piece to hold back, and a backend given the head
 * of a 0-byte upload would commit it before the final chunk's signature was checked.
 *
 * <pre>… → PayloadVerifier → <b>AwsChunkedDecoder</b> → DeleteObjectsFilter → …</pre>
 */
public final class AwsChunkedDecoder extends ChannelInboundHandlerAdapter {

  private final int maxChunkBytes;
  private AuthorizedRequest current;
  private AwsChunkedParser parser;
  private HttpContent held;
  /** {@link #current} has not been passed on yet: no byte of its body is verified so far. */
  private boolean headHeld;
  private boolean discarding;
  private final List<ByteBuf> decoded = new ArrayList<>();

  /** @param maxChunkBytes the largest chunk accepted ({@code limits.maxAwsChunkBytes}) */
  public AwsChunkedDecoder(int maxChunkBytes) {
    this.maxChunkBytes = maxChunkBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r && r.payloadMode().isAwsChunked()) {
      discarding = false;
      try {
        parser = parser(r);
      } catch (S3Exception e) {
        fail(ctx, r, e);
        return;
      }
      current = r;
      headHeld = true;
    } else if (msg instanceof HttpContent content && discarding) {
      if (content instanceof LastHttpContent) {
        discarding = false;
      }
      content.release();
    } else if (msg instanceof HttpContent content && current != null) {
      decode(ctx, content);
    } else {
      if (msg instanceof FailedRequest) {
        reset();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private AwsChunkedParser parser(AuthorizedRequest r) throws S3Exception {
    String lengthHeader = r.head().headers().get("x-amz-decoded-content-length");
    long length = -1;
    if (lengthHeader != null) {
      try {
        length = Long.parseLong(lengthHeader.trim());
      } catch (NumberFormatException e) {
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-decoded-content-length must be a number.");
      }
    }
    ChunkSignatureChain chain =
        r.payloadMode() == PayloadMode.STREAMING_UNSIGNED_TRAILER ? null : ChunkSignatureChain.of(r.verified());
    return new AwsChunkedParser(
        r.payloadMode(), chain, length, r.head().headers().get("x-amz-trailer"), maxChunkBytes,
        (source, position, len) -> decoded.add(sliceOf(source, position, len)));
  }

  /** The ByteBuf being fed and the NIO view the parser reads; positions map between them. */
  private ByteBuf feeding;
  private int feedingBase;

  private ByteBuf sliceOf(ByteBuffer source, int position, int length) {
    return feeding.retainedSlice(feeding.readerIndex() + position - feedingBase, length);
  }

  private void decode(ChannelHandlerContext ctx, HttpContent content) {
    AuthorizedRequest r = current;
    ByteBuf in = content.content();
    // The parser reports payload as ranges of the NIO view it reads; a composite buffer's view is
    // a copy, so it is copied once into a buffer the slices can point into.
    ByteBuf copy = in.nioBufferCount() == 1 ? null : Unpooled.buffer(in.readableBytes()).writeBytes(in, in.readerIndex(), in.readableBytes());
    feeding = copy == null ? in : copy;
    ByteBuffer nio = feeding.nioBuffer();
    feedingBase = nio.position();
    try {
      parser.feed(nio);
      if (content instanceof LastHttpContent) {
        parser.finish();
      }
    } catch (AuthenticationException e) {
      content.release();
      releaseDecoded();
      fail(ctx, r, AuthFailureMapper.toS3(e));
      discarding = !(content instanceof LastHttpContent);
      return;
    } finally {
      feeding = null;
      if (copy != null) {
        copy.release();
      }
    }
    boolean last = content instanceof LastHttpContent;
    content.release();
    for (ByteBuf piece : decoded) {
      passHead(ctx);
      if (held != null) {
        ctx.fireChannelRead(held);
      }
      held = new DefaultHttpContent(piece);
    }
    decoded.clear();
    if (last) {
      passHead(ctx);
      if (held != null) {
        ctx.fireChannelRead(held);
        held = null;
      }
      ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
      current = null;
      parser = null;
    }
  }

  private void passHead(ChannelHandlerContext ctx) {
    if (headHeld) {
      headHeld = false;
      ctx.fireChannelRead(current);
    }
  }

  private void fail(ChannelHandlerContext ctx, AuthorizedRequest r, S3Exception e) {
    reset();
    discarding = true;
    ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
  }

  private void releaseDecoded() {
    for (ByteBuf piece : decoded) {
      piece.release();
    }
    decoded.clear();
  }

  private void reset() {
    releaseDecoded();
    if (held != null) {
      held.release();
      held = null;
    }
    current = null;
    parser = null;
    headHeld = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reset();
    ctx.fireChannelInactive();
  }
}
