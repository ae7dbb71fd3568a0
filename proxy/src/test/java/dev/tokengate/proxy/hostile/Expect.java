package dev.tokengate.proxy.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a hostile case must get back, and what it may leave behind. By default a refusal (status
 * ≥ 400) must not reach the backend at all (the spy records nothing) and must leave the backend's
 * state and the bucket policies exactly as they were; a case that expects the backend to act says
 * which objects it changes ({@link #creates}, {@link #deletes}) or that the backend is asked and
 * answers itself ({@link #reachesBackend}). No response body may carry a protected object's bytes.
 */
final class Expect {
  /** One acceptable answer; a null code accepts any (or no) code, for HEAD and framing refusals. */
  record Outcome(int status, String code) {
    boolean matches(WireResponse r) {
      return r.status() == status && (code == null || code.equals(r.code()));
    }

    @Override
    public String toString() {
      return status + (code == null ? "" : " " + code);
    }
  }

  /** An object the case is expected to create or overwrite (bytes) or delete (null bytes). */
  record Change(String bucket, String key, byte[] bytes) {}

  /** A named check on the response body or headers. */
  record Check(String description, Predicate<WireResponse> test) {}

  final List<Outcome> outcomes = new ArrayList<>();
  final List<Check> checks = new ArrayList<>();
  final List<Change> changes = new ArrayList<>();
  final java.util.Set<String> scratch = new java.util.HashSet<>();
  String why;
  boolean backendMayBeCalled;

  private Expect(int status, String code) {
    outcomes.add(new Outcome(status, code));
    backendMayBeCalled = status < 400;
  }

  /** Refused by the proxy with this status and S3 code; the backend is not asked. */
  static Expect refused(int status, String code) {
    return new Expect(status, code);
  }

  /** This status, with any code or none (HEAD responses have no body; framing refusals may have none). */
  static Expect status(int status) {
    return new Expect(status, null);
  }

  /** Allowed: this success status, the backend asked. */
  static Expect ok(int status) {
    return new Expect(status, null);
  }

  /**
   * Also accepts another answer; {@code why} must say why both are right (which layer may notice
   * first, or where AWS's behaviour is undocumented). An accepted success may reach the backend.
   */
  Expect or(int status, String code, String why) {
    outcomes.add(new Outcome(status, code));
    this.why = this.why == null ? why : this.why + "; " + why;
    return this;
  }

  /** The backend may be asked (it answers, e.g. NoSuchKey), but its state must not change. */
  Expect reachesBackend() {
    backendMayBeCalled = true;
    return this;
  }

  Expect creates(String bucket, String key, String utf8) {
    changes.add(new Change(bucket, key, utf8.getBytes(StandardCharsets.UTF_8)));
    backendMayBeCalled = true;
    return this;
  }

  Expect deletes(String bucket, String key) {
    changes.add(new Change(bucket, key, null));
    backendMayBeCalled = true;
    return this;
  }

  /**
   * A bucket the case creates and removes itself (a scenario's own): left out of the comparison,
   * removed with its policy if it is still there.
   */
  Expect scratch(String bucket) {
    scratch.add(bucket);
    backendMayBeCalled = true;
    return this;
  }

  /** The response body must not contain {@code text} (a key name, a marker). */
  Expect lacks(String text) {
    checks.add(new Check("body must not contain '" + text + "'", r -> !r.text().contains(text)));
    return this;
  }

  /** The response body must contain {@code text}. */
  Expect has(String text) {
    checks.add(new Check("body must contain '" + text + "'", r -> r.text().contains(text)));
    return this;
  }

  Expect check(String description, Predicate<WireResponse> test) {
    checks.add(new Check(description, test));
    return this;
  }

  boolean accepts(WireResponse r) {
    return outcomes.stream().anyMatch(o -> o.matches(r));
  }

  /** Whether the backend may have been asked, given the answer: always for an accepted success. */
  boolean backendMayBeCalled(WireResponse r) {
    return backendMayBeCalled || outcomes.stream().anyMatch(o -> o.matches(r) && o.status() >= 100 && o.status() < 400);
  }

  @Override
  public String toString() {
    return String.join(" or ", outcomes.stream().map(Objects::toString).toList());
  }
}
