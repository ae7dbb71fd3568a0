package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The body of a browser-form upload ({@link PostObjectRequest}): passes on exactly the file's
 * bytes, which may not contain the form's delimiter (fields after the file, which AWS ignores,
 * would otherwise become part of the object), and checks that the close delimiter and nothing else
 * ends the body. As {@link PayloadVerifier} does, it holds the newest piece back, and the head until
 * the first piece, so the backend commits nothing the check refused.
 *
 * <pre>… → PayloadVerifier → <b>PostFileVerifier</b> → AwsChunkedDecoder → …</pre>
 */
public final class PostFileVerifier extends ChannelInboundHandlerAdapter {
  private AuthorizedRequest current;
  private boolean headHeld;
  private HttpContent held;
  /** File bytes still to pass on. */
  private long remaining;
  private byte[] delimiter;
  private int[] fallback;
  /** How much of {@link #delimiter} the file's bytes so far end with. */
  private int matched;
  private boolean delimiterSeen;
  private byte[] close;
  private int closeRead;
  private boolean closeWrong;
  /** The rest of a refused body is released here. */
  private boolean dropping;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r && r.head() instanceof PostObjectRequest post) {
      current = r;
      headHeld = true;
      remaining = post.fileLength();
      delimiter = post.delimiter();
      fallback = fallback(delimiter);
      matched = 0;
      delimiterSeen = false;
      close = post.closeDelimiter();
      closeRead = 0;
      closeWrong = false;
    } else if (msg instanceof HttpContent content && current != null) {
      read(ctx, content);
    } else if (msg instanceof HttpContent content && dropping) {
      dropping = !(content instanceof LastHttpContent);
      content.release();
    } else {
      if (msg instanceof FailedRequest) {
        reset();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private void read(ChannelHandlerContext ctx, HttpContent content) {
    ByteBuf in = content.content();
    int fileBytes = (int) Math.min(remaining, in.readableBytes());
    remaining -= fileBytes;
    if (fileBytes > 0) {
      scan(in, in.readerIndex(), fileBytes);
    }
    for (int i = in.readerIndex() + fileBytes; i < in.writerIndex(); i++) {
      if (closeRead >= close.length || in.getByte(i) != close[closeRead]) {
        closeWrong = true;
        break;
      }
      closeRead++;
    }
    boolean last = content instanceof LastHttpContent;
    if (fileBytes > 0) {
      ByteBuf file = in.retainedSlice(in.readerIndex(), fileBytes);
      passHead(ctx);
      if (held != null) {
        ctx.fireChannelRead(held);
      }
      held = new DefaultHttpContent(file);
    }
    content.release();
    if (delimiterSeen || closeWrong) {
      fail(ctx, last);
    } else if (last) {
      finish(ctx);
    }
  }

  private void finish(ChannelHandlerContext ctx) {
    if (remaining > 0 || closeRead != close.length) {
      fail(ctx, true);
      return;
    }
    passHead(ctx);
    current = null;
    if (held != null) {
      ctx.fireChannelRead(held);
      held = null;
    }
    ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  /**
   * Refused: what was held never reaches the backend, which so never receives the whole body. The
   * rest of the client's body is dropped here.
   */
  private void fail(ChannelHandlerContext ctx, boolean bodyDone) {
    AuthorizedRequest r = current;
    reset();
    if (!bodyDone) {
      dropping = true;
    }
    ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3,
        new S3Exception(S3Error.MALFORMED_POST_REQUEST,
            "The file must be the last field of the form, followed only by the closing boundary."), false));
  }

  /** Knuth–Morris–Pratt over the file's bytes, across pieces: is the delimiter anywhere in them? */
  private void scan(ByteBuf in, int from, int length) {
    for (int i = from, end = from + length; i < end && !delimiterSeen; i++) {
      byte b = in.getByte(i);
      while (matched > 0 && delimiter[matched] != b) {
        matched = fallback[matched - 1];
      }
      if (delimiter[matched] == b) {
        matched++;
      }
      if (matched == delimiter.length) {
        delimiterSeen = true;
      }
    }
  }

  private static int[] fallback(byte[] pattern) {
    int[] f = new int[pattern.length];
    for (int i = 1, k = 0; i < pattern.length; i++) {
      while (k > 0 && pattern[i] != pattern[k]) {
        k = f[k - 1];
      }
      if (pattern[i] == pattern[k]) {
        k++;
      }
      f[i] = k;
    }
    return f;
  }

  private void passHead(ChannelHandlerContext ctx) {
    if (headHeld) {
      headHeld = false;
      ctx.fireChannelRead(current);
    }
  }

  private void reset() {
    current = null;
    headHeld = false;
    if (held != null) {
      held.release();
      held = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reset();
    ctx.fireChannelInactive();
  }
}
