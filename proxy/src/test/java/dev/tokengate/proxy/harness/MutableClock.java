package dev.tokengate.proxy.harness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests can move forward, injected where the proxy asks for the time: stopped at a given
 * instant ({@code new MutableClock(start)}), or real time plus whatever the test has advanced it by
 * ({@link #ticking()}).
 */
public final class MutableClock extends Clock {
  private final Clock base;
  private volatile Instant now;
  private volatile Duration offset = Duration.ZERO;

  public MutableClock(Instant start) {
    this.base = null;
    this.now = start;
  }

  private MutableClock(Clock base) {
    this.base = base;
  }

  /** Real time until {@link #advance} moves it ahead. */
  public static MutableClock ticking() {
    return new MutableClock(Clock.systemUTC());
  }

  public void advance(Duration d) {
    if (base == null) {
      now = now.plus(d);
    } else {
      offset = offset.plus(d);
    }
  }

  @Override
  public Instant instant() {
    return base == null ? now : base.instant().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
