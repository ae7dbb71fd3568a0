package dev.tokengate.proxy.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the in-memory state (identities, revocations, keyring) may still be trusted: a store
 * that cannot be reached leaves the last state seen in force for {@code staleAfter}, then requests
 * are refused (fail closed), since a revocation or a deleted key written meanwhile would go unseen.
 * A store that is always at hand (embedded files) is never stale. One volatile read per request.
 */
public final class StateFreshness {
  private final StateStore store;
  private final Duration staleAfter;
  private final Clock clock;

  public StateFreshness(StateStore store, Duration staleAfter, Clock clock) {
    this.store = store;
    this.staleAfter = staleAfter;
    this.clock = clock;
  }

  /** Never stale: no store, or one without contact tracking. */
  public static StateFreshness always() {
    return new StateFreshness(null, Duration.ZERO, Clock.systemUTC());
  }

  /** Empty while fresh; else how long the store has been out of reach. */
  public Optional<Duration> staleFor() {
    if (store == null) {
      return Optional.empty();
    }
    Optional<Instant> last = store.lastContact();
    if (last.isEmpty()) {
      return Optional.empty();
    }
    Duration since = Duration.between(last.get(), clock.instant());
    return since.compareTo(staleAfter) > 0 ? Optional.of(since) : Optional.empty();
  }

  public Duration staleAfter() {
    return staleAfter;
  }
}
