package dev.tokengate.proxy.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * One small request of the proxy's own to the backend (a HEAD bucket, an ACL read) over a pooled
 * connection, without blocking: the status and the body (bounded) complete a future on the
 * caller's event loop.
 */
public final class BackendFetch {
  /** The proxy's own reads are small documents; more is not read. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  /** The backend's answer. */
  public record Answer(int status, byte[] body) {}

  private final BackendPool pool;

  public BackendFetch(BackendPool pool) {
    this.pool = pool;
  }

  /** @return the answer; failed with the I/O failure when the backend cannot be reached or answers too much */
  public Future<Answer> fetch(EventLoop loop, FullHttpRequest request) {
    Promise<Answer> result = loop.newPromise();
    pool.acquire(loop, false).addListener((Future<Channel> acquired) -> {
      if (!acquired.isSuccess()) {
        request.release();
        result.tryFailure(acquired.cause());
        return;
      }
      Exchange exchange = new Exchange(acquired.getNow(), result);
      BackendResponseRelay.of(exchange.backend).attach(exchange);
      exchange.backend.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess()) {
          exchange.end(false, written.cause());
        }
      });
    });
    return result;
  }

  private final class Exchange implements BackendListener {
    private final Channel backend;
    private final Promise<Answer> result;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = -1;
    private boolean reusable;
    private boolean ended;

    Exchange(Channel backend, Promise<Answer> result) {
      this.backend = backend;
      this.result = result;
    }

    @Override
    public void onBackendRead(Object msg) {
      if (msg instanceof HttpResponse response) {
        status = response.status().code();
        reusable = HttpUtil.isKeepAlive(response);
      }
      boolean tooLong = false;
      if (msg instanceof HttpContent content) {
        ByteBuf b = content.content();
        tooLong = body.size() + b.readableBytes() > MAX_BODY_BYTES;
        if (!tooLong) {
          byte[] chunk = new byte[b.readableBytes()];
          b.getBytes(b.readerIndex(), chunk);
          body.write(chunk, 0, chunk.length);
        }
      }
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (tooLong) {
        end(false, new IOException("the backend's answer exceeds " + MAX_BODY_BYTES + " bytes"));
      } else if (last) {
        end(reusable, null);
      }
    }

    @Override
    public void onBackendInactive() {
      end(false, new IOException("the backend closed the connection"));
    }

    /** Returns the connection to the pool (closed unless reusable), once, and completes the answer. */
    void end(boolean reuse, Throwable failure) {
      if (ended) {
        return;
      }
      ended = true;
      BackendResponseRelay relay = backend.pipeline().get(BackendResponseRelay.class);
      if (relay != null) {
        relay.detach();
      }
      if (!reuse) {
        backend.close();
      }
      pool.release(backend);
      if (failure != null) {
        result.tryFailure(failure);
      } else {
        result.trySuccess(new Answer(status, body.toByteArray()));
      }
    }

    @Override
    public void onBackendStalled(BackendStall stall) {
      end(false, new IOException("the backend " + stall.description()));
    }

    @Override
    public void onBackendWritabilityChanged(boolean writable) {}
  }
}
