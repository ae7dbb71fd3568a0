package dev.tokengate.proxy.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStateStoreTest {
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesAreCompareAndSetOnTheRevision() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      long r1 = store.put("iam/users/a", utf8("one"), StateStore.ABSENT);
      assertThrows(StateException.Conflict.class, () -> store.put("iam/users/a", utf8("again"), StateStore.ABSENT));
      long r2 = store.put("iam/users/a", utf8("two"), r1);
      assertTrue(r2 > r1);
      assertThrows(StateException.Conflict.class, () -> store.put("iam/users/a", utf8("stale"), r1));
      assertArrayEquals(utf8("two"), store.get("iam/users/a").orElseThrow().value());
      assertThrows(StateException.Conflict.class, () -> store.delete("iam/users/a", r1));
      store.delete("iam/users/a", r2);
      assertTrue(store.get("iam/users/a").isEmpty());
      assertThrows(StateException.Conflict.class, () -> store.delete("iam/users/a", r2));
    }
  }

  @Test
  void stateSurvivesReopeningAndListsByPrefixInKeyOrder() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put("iam/users/b", utf8("b"), StateStore.ABSENT);
      store.put("iam/users/a", utf8("a"), StateStore.ABSENT);
      store.put("iam/roles/r", utf8("r"), StateStore.ABSENT);
      store.put("../../escape", utf8("x"), StateStore.ABSENT);
    }
    try (Stream<Path> files = Files.list(dir.resolve("state"))) {
      assertTrue(files.allMatch(f -> f.getParent().equals(dir.resolve("state"))), "keys never name other paths");
    }
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      assertEquals(List.of("iam/users/a", "iam/users/b"),
          store.list("iam/users/").stream().map(StateStore.Entry::key).toList());
      long next = store.put("iam/users/c", utf8("c"), StateStore.ABSENT);
      assertTrue(store.list("").stream().allMatch(e -> e.revision() < next || e.key().equals("iam/users/c")),
          "revisions keep growing across restarts");
    }
  }

  @Test
  void watchersSeeEveryChangeUnderTheirPrefix() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      List<String> seen = new ArrayList<>();
      AutoCloseable watch = store.watch("iam/", c -> seen.add(c.key() + (c.deleted() ? " deleted" : " put")));
      long r = store.put("iam/users/a", utf8("a"), StateStore.ABSENT);
      store.put("other/x", utf8("x"), StateStore.ABSENT);
      store.delete("iam/users/a", r);
      watch.close();
      store.put("iam/users/b", utf8("b"), StateStore.ABSENT);
      assertEquals(List.of("iam/users/a put", "iam/users/a deleted"), seen);
    }
  }

  @Test
  void aCorruptStateFileStopsTheStartWithItsName() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put("iam/users/a", utf8("a"), StateStore.ABSENT);
    }
    Path file;
    try (Stream<Path> files = Files.list(dir.resolve("state"))) {
      file = files.findFirst().orElseThrow();
    }
    Files.writeString(file, "{\"key\": \"iam/users/a\", \"revision\": 1, \"val");
    StateException e = assertThrows(StateException.class, () -> EmbeddedStateStore.open(dir));
    assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
  }

  @Test
  void anInterruptedWriteLeavesTheOldDocument() throws Exception {
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      store.put("k", utf8("old"), StateStore.ABSENT);
    }
    // What a crash between writing the temporary file and renaming it leaves behind.
    Files.writeString(dir.resolve("state").resolve("entry123.tmp"), "{\"half");
    try (EmbeddedStateStore store = EmbeddedStateStore.open(dir)) {
      assertArrayEquals(utf8("old"), store.get("k").orElseThrow().value());
    }
    assertTrue(Files.notExists(dir.resolve("state").resolve("entry123.tmp")));
  }
}
