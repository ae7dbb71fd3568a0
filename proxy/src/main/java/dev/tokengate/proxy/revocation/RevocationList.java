package dev.tokengate.proxy.revocation;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocations in force, in memory: fed by the state store's watch (so every replica sees a
 * revocation as soon as its store does), checked on every session with a few hash lookups and no
 * I/O. Revocations whose sessions have all expired leave the view and, via {@link #prune}, the
 * store, so the list stays small.
 */
public final class RevocationList implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

  private final StateStore store;
  private final Clock clock;
  private final Map<String, Revocation> entries = new ConcurrentHashMap<>();
  private final AutoCloseable watch;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  /** @throws StateException when the store cannot be read at start */
  public RevocationList(StateStore store, Clock clock) throws StateException {
    this.store = store;
    this.clock = clock;
    this.watch = store.watch(Revocation.PREFIX, this::apply);
    for (StateStore.Entry e : store.list(Revocation.PREFIX)) {
      entries.put(e.key(), Revocation.read(e.value(), e.key()));
    }
    rebuild();
  }

  private void apply(StateStore.Change change) {
    try {
      if (change.deleted()) {
        entries.remove(change.key());
      } else {
        entries.put(change.key(), Revocation.read(change.value(), change.key()));
      }
    } catch (IllegalArgumentException e) {
      LOG.error("revocation not applied: {}", e.getMessage());
      return;
    }
    rebuild();
  }

  /** A revocation this replica just wrote: in force here before the watch reports it. */
  public void added(Revocation r) {
    entries.put(r.key(), r);
    rebuild();
  }

  private synchronized void rebuild() {
    Instant now = clock.instant();
    Set<String> sessions = new HashSet<>();
    Map<String, Instant> users = new HashMap<>();
    Map<String, Instant> roles = new HashMap<>();
    Map<String, Instant> sources = new HashMap<>();
    Instant before = null;
    for (Revocation r : entries.values()) {
      if (now.isAfter(r.dropAfter())) {
        continue;
      }
      Instant at = r.revokedAt();
      switch (r.kind()) {
        case SESSION -> sessions.add(r.value());
        case USER -> users.merge(r.value(), at, RevocationList::later);
        case ROLE -> roles.merge(r.value(), at, RevocationList::later);
        case SOURCE_IDENTITY -> sources.merge(r.value(), at, RevocationList::later);
        case ISSUED_BEFORE -> before = before == null ? at : later(before, at);
      }
    }
    snapshot = new Snapshot(Set.copyOf(sessions), Map.copyOf(users), Map.copyOf(roles), Map.copyOf(sources), before);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Why the session is revoked, or empty when it is not. */
  public Optional<String> check(Session s) {
    Snapshot v = snapshot;
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.sessions.contains(s.accessKeyId())) {
      return Optional.of("the session " + s.accessKeyId() + " was revoked");
    }
    Map<String, Instant> byName = s.principalType() == PrincipalType.ASSUMED_ROLE ? v.roles : v.users;
    if (coveredBy(byName.get(s.sourceName()), s)) {
      return Optional.of("every session of " + (byName == v.roles ? "role " : "user ") + s.sourceName()
          + " issued until " + byName.get(s.sourceName()) + " was revoked");
    }
    if (s.sourceIdentity() != null && coveredBy(v.sources.get(s.sourceIdentity()), s)) {
      return Optional.of("every session with source identity " + s.sourceIdentity() + " issued until "
          + v.sources.get(s.sourceIdentity()) + " was revoked");
    }
    if (v.issuedBefore != null && s.issuedAt().isBefore(v.issuedBefore)) {
      return Optional.of("every session issued before " + v.issuedBefore + " was revoked");
    }
    return Optional.empty();
  }

  /** Issue times are whole seconds: a session issued in the second of the revocation is covered. */
  private static boolean coveredBy(Instant revokedAt, Session s) {
    return revokedAt != null && !s.issuedAt().isAfter(revokedAt);
  }

  /** The revocations in force, oldest first. */
  public List<Revocation> current() {
    Instant now = clock.instant();
    return entries.values().stream().filter(r -> !now.isAfter(r.dropAfter()))
        .sorted(java.util.Comparator.comparing(Revocation::revokedAt).thenComparing(Revocation::id)).toList();
  }

  /**
   * Forgets revocations whose sessions have all expired, here and in the store (any replica may do
   * it; a concurrent change just leaves the entry for the next round).
   */
  public void prune() {
    Instant now = clock.instant();
    for (Revocation r : List.copyOf(entries.values())) {
      if (!now.isAfter(r.dropAfter())) {
        continue;
      }
      try {
        store.get(r.key()).ifPresent(e -> {
          try {
            store.delete(e.key(), e.revision());
          } catch (StateException ignored) {
            // changed or unreachable: the next round tries again
          }
        });
      } catch (StateException e) {
        LOG.debug("revocation {} not pruned yet: {}", r.id(), e.getMessage());
      }
    }
    rebuild();
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("closing the revocation watch: {}", e.getMessage());
    }
  }

  private record Snapshot(Set<String> sessions, Map<String, Instant> users, Map<String, Instant> roles,
      Map<String, Instant> sources, Instant issuedBefore) {
    static final Snapshot EMPTY = new Snapshot(Set.of(), Map.of(), Map.of(), Map.of(), null);

    boolean isEmpty() {
      return sessions.isEmpty() && users.isEmpty() && roles.isEmpty() && sources.isEmpty() && issuedBefore == null;
    }
  }
}
