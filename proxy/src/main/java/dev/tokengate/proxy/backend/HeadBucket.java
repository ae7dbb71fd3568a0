package dev.tokengate.proxy.backend;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

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

  private final BackendFetch fetch;
  private final BackendRequestFactory requests;

  public HeadBucket(BackendPool pool, BackendRequestFactory requests) {
    this.fetch = new BackendFetch(pool);
    this.requests = requests;
  }

  /**
   * @return true for 200, false for 404; failed with {@link UnexpectedStatus} for any other answer,
   *     or with the I/O failure when the backend cannot be reached
   */
  public Future<Boolean> exists(EventLoop loop, String bucket) {
    Promise<Boolean> result = loop.newPromise();
    fetch.fetch(loop, requests.headBucket(bucket)).addListener((Future<BackendFetch.Answer> answered) -> {
      if (!answered.isSuccess()) {
        result.tryFailure(answered.cause());
        return;
      }
      int status = answered.getNow().status();
      if (status == 200 || status == 404) {
        result.trySuccess(status == 200);
      } else {
        result.tryFailure(new UnexpectedStatus(status));
      }
    });
    return result;
  }
}
