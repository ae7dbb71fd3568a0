package dev.tokengate.proxy.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.proxy.harness.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd engine against a real etcd: compare-and-set on mod revisions, ordered prefix listing,
 * watches that carry one client's writes to another within a second, no lost update under
 * concurrent writers, bounded failures while etcd is down, and recovery (missed changes included).
 */
@Timeout(120)
class EtcdStateStoreTest {
  @TempDir static Path dir;
  static EtcdServer etcd;
  static int prefixes;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start(dir.resolve("etcd"));
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  /** A store on a prefix of its own, so tests do not see each other's keys. */
  static EtcdStateStore open(String prefix) throws StateException {
    return EtcdStateStore.open(List.of(etcd.endpoint()), prefix, Duration.ofSeconds(2));
  }

  static String freshPrefix() {
    return "/test" + (++prefixes) + "-" + System.nanoTime() + "/";
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesAreCompareAndSetOnTheKeysRevision() throws Exception {
    try (EtcdStateStore store = open(freshPrefix())) {
      long r1 = store.put("iam/users/a", utf8("one"), StateStore.ABSENT);
      assertThrows(StateException.Conflict.class, () -> store.put("iam/users/a", utf8("again"), StateStore.ABSENT));
      long r2 = store.put("iam/users/a", utf8("two"), r1);
      assertTrue(r2 > r1);
      assertThrows(StateException.Conflict.class, () -> store.put("iam/users/a", utf8("stale"), r1));
      assertEquals("two", new String(store.get("iam/users/a").orElseThrow().value(), StandardCharsets.UTF_8));
      assertEquals(r2, store.get("iam/users/a").orElseThrow().revision());
      assertThrows(StateException.Conflict.class, () -> store.delete("iam/users/a", r1));
      store.delete("iam/users/a", r2);
      assertTrue(store.get("iam/users/a").isEmpty());
      assertThrows(StateException.Conflict.class, () -> store.delete("iam/users/a", r2), "absent");
    }
  }

  @Test
  void listingIsInKeyOrderAndStaysInsideItsPrefix() throws Exception {
    String prefix = freshPrefix();
    try (EtcdStateStore store = open(prefix); EtcdStateStore neighbour = open(prefix.replace("/", "") + "x/")) {
      for (String k : List.of("iam/users/c", "iam/users/a", "iam/roles/r", "iam/users/b")) {
        store.put(k, utf8(k), StateStore.ABSENT);
      }
      neighbour.put("iam/users/zzz", utf8("other prefix"), StateStore.ABSENT);
      assertEquals(List.of("iam/users/a", "iam/users/b", "iam/users/c"),
          store.list("iam/users/").stream().map(StateStore.Entry::key).toList());
      assertEquals(4, store.list("").size());
      assertEquals(1, neighbour.list("").size());
    }
  }

  @Test
  void anotherClientsWritesArriveThroughTheWatchWithinASecond() throws Exception {
    String prefix = freshPrefix();
    try (EtcdStateStore writer = open(prefix); EtcdStateStore reader = open(prefix)) {
      Map<String, Long> seenAt = new ConcurrentHashMap<>();
      List<StateStore.Change> changes = java.util.Collections.synchronizedList(new ArrayList<>());
      AutoCloseable watch = reader.watch("iam/", c -> {
        seenAt.put(c.key() + (c.deleted() ? "-" : "+"), System.nanoTime());
        changes.add(c);
      });
      long start = System.nanoTime();
      long rev = writer.put("iam/users/w", utf8("v"), StateStore.ABSENT);
      writer.put("other/x", utf8("outside the watched prefix"), StateStore.ABSENT);
      writer.delete("iam/users/w", rev);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!seenAt.containsKey("iam/users/w-") && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(seenAt.containsKey("iam/users/w+") && seenAt.containsKey("iam/users/w-"), changes.toString());
      long delayMs = TimeUnit.NANOSECONDS.toMillis(seenAt.get("iam/users/w+") - start);
      System.out.println("etcd watch delay (put on one client, seen by another): " + delayMs + " ms");
      assertTrue(delayMs < 1000, "seen in " + delayMs + " ms");
      assertEquals(2, changes.size(), "only the watched prefix, in order: " + changes);
      assertEquals(rev, changes.get(0).revision());
      assertTrue(changes.get(1).deleted());
      watch.close();
    }
  }

  @Test
  void concurrentCompareAndSetWritersLoseNoUpdate() throws Exception {
    String prefix = freshPrefix();
    int threads = 4;
    int each = 25;
    try (EtcdStateStore a = open(prefix); EtcdStateStore b = open(prefix)) {
      a.put("counter", utf8("0"), StateStore.ABSENT);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Integer>> conflicts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        EtcdStateStore s = t % 2 == 0 ? a : b;
        conflicts.add(pool.submit(() -> {
          int retried = 0;
          for (int i = 0; i < each; i++) {
            for (int attempt = 0; ; attempt++) {
              assertTrue(attempt < 1000, "bounded retries");
              StateStore.Entry e = s.get("counter").orElseThrow();
              int n = Integer.parseInt(new String(e.value(), StandardCharsets.UTF_8));
              try {
                s.put("counter", utf8(Integer.toString(n + 1)), e.revision());
                break;
              } catch (StateException.Conflict lost) {
                retried++;
              }
            }
          }
          return retried;
        }));
      }
      int retried = 0;
      for (Future<Integer> f : conflicts) {
        retried += f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertEquals(Integer.toString(threads * each),
          new String(a.get("counter").orElseThrow().value(), StandardCharsets.UTF_8), "after " + retried + " retries");
    }
  }

  @Test
  void whileEtcdIsDownCallsFailWithinTheTimeoutAndAfterwardsTheWatchCatchesUp() throws Exception {
    String prefix = freshPrefix();
    try (EtcdStateStore store = open(prefix); EtcdStateStore other = open(prefix)) {
      List<StateStore.Change> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      store.watch("iam/", seen::add);
      Instant before = store.lastContact().orElseThrow();
      etcd.stop();
      try {
        long t0 = System.nanoTime();
        assertThrows(StateException.class, () -> store.put("iam/users/down", utf8("x"), StateStore.ABSENT));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 4000, "failed in " + ms + " ms (timeout 2 s)");
        Thread.sleep(1500);
        assertTrue(Duration.between(store.lastContact().orElseThrow(), Instant.now()).toMillis() >= 1000,
            "no contact while down (last " + store.lastContact() + ", before " + before + ")");
      } finally {
        etcd.start();
      }
      // Written by another client just after the outage; the first store's watch must deliver it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        try {
          other.put("iam/users/after", utf8("y"), StateStore.ABSENT);
          break;
        } catch (StateException.Conflict done) {
          break;
        } catch (StateException notYet) {
          Thread.sleep(200);
        }
      }
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (seen.stream().noneMatch(c -> c.key().equals("iam/users/after")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(seen.stream().anyMatch(c -> c.key().equals("iam/users/after")), "watch resumed: " + seen);
      assertTrue(Duration.between(store.lastContact().orElseThrow(), Instant.now()).toMillis() < 3000, "contact again");
    }
  }

  @Test
  void anUnreachableEtcdAtStartIsAnError() throws Exception {
    StateException e = assertThrows(StateException.class,
        () -> EtcdStateStore.open(List.of("http://127.0.0.1:1"), "/x/", Duration.ofMillis(500)));
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
  }
}
