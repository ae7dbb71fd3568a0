package dev.tokengate.proxy.admin;

import dev.tokengate.proxy.backend.BackendFetch;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether the proxy can serve: started (configuration, identities, keyring and state loaded, the
 * listeners bound) and its backend answering a signed ListBuckets with 200 within a bound. Never
 * blocks: the answer completes a future on the asking connection's event loop.
 */
public final class ReadinessProbe {
  /** The outcome, with the reason when not ready (shown in the probe's JSON body). */
  public record Readiness(boolean ready, String reason) {}

  private final BooleanSupplier started;
  private final BackendFetch backend;
  private final BackendRequestFactory requests;
  private final Duration timeout;

  public ReadinessProbe(BooleanSupplier started, BackendFetch backend, BackendRequestFactory requests, Duration timeout) {
    this.started = started;
    this.backend = backend;
    this.requests = requests;
    this.timeout = timeout;
  }

  public Future<Readiness> check(EventLoop loop) {
    Promise<Readiness> result = loop.newPromise();
    if (!started.getAsBoolean()) {
      return result.setSuccess(new Readiness(false, "starting"));
    }
    var timer = loop.schedule(() -> {
      result.trySuccess(new Readiness(false, "the backend did not answer within " + timeout.toMillis() + " ms"));
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    backend.fetch(loop, requests.listBuckets()).addListener((Future<BackendFetch.Answer> answer) -> {
      timer.cancel(false);
      if (!answer.isSuccess()) {
        String why = answer.cause().getMessage();
        result.trySuccess(new Readiness(false, "the backend is unavailable" + (why == null ? "" : ": " + why)));
      } else if (answer.getNow().status() != 200) {
        result.trySuccess(new Readiness(false, "the backend answered ListBuckets with " + answer.getNow().status()));
      } else {
        result.trySuccess(new Readiness(true, null));
      }
    });
    return result;
  }
}
