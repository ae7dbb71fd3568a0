package dev.tokengate.proxy.backend;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;

/**
 * Asks the backend whether a bucket exists ({@code HEAD /bucket} over a pooled connection), without
 * blocking: the answer completes a future on the caller's event loop.
 */
public final class HeadBucket {

  /** The backend answered neither 200 nor 404. */
  public static final class UnexpectedStatus extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    UnexpectedStatus(int status) {
      super("HEAD bucket answered HTTP " + status, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final BackendPool pool;
  private final BackendRequestFactory requests;

  public HeadBucket(BackendPool pool, BackendRequestFactory requests) {
    this.pool = pool;
    this.requests = requests;
  }

  /**
   * @return true for 200, false for 404; failed with {@link UnexpectedStatus} for any other answer,
   *     or with the I/O failure when the backend cannot be reached
   */
  public Future<Boolean> exists(EventLoop loop, String bucket) {
    Promise<Boolean> result = loop.newPromise();
    pool.acquire(loop, false).addListener((Future<Channel> acquired) -> {
      if (!acquired.isSuccess()) {
        result.tryFailure(acquired.cause());
        return;
      }
      Exchange exchange = new Exchange(acquired.getNow(), result);
      BackendResponseRelay.of(exchange.backend).attach(exchange);
      exchange.backend.writeAndFlush(requests.headBucket(bucket)).addListener(written -> {
        if (!written.isSuccess()) {
          exchange.end(false, written.cause());
        }
      });
    });
    return result;
  }

  private final class Exchange implements BackendListener {
    private final Channel backend;
    private final Promise<Boolean> result;
    private int status = -1;
    private boolean reusable;
    private boolean ended;

    Exchange(Channel backend, Promise<Boolean> result) {
      this.backend = backend;
      this.result = result;
    }

    @Override
    public void onBackendRead(Object msg) {
      if (msg instanceof HttpResponse response) {
        status = response.status().code();
        reusable = HttpUtil.isKeepAlive(response);
      }
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (last) {
        end(reusable, status == 200 || status == 404 ? null : new UnexpectedStatus(status));
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
        result.trySuccess(status == 200);
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
