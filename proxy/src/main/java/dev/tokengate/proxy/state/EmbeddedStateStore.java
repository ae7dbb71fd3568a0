package dev.tokengate.proxy.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The default {@link StateStore}: one file per key under {@code <dataDir>/state/}, for one proxy.
 * Each file holds the document and its revision; a change is written to a temporary file, forced
 * to disk and renamed over the old one, so a crash leaves either the old or the new document,
 * never half of one. All entries are read at start: a file that does not parse stops the start
 * with its name and the problem, instead of silently dropping state. Writes are serialized (one
 * lock); watchers are called after the file is in place, on the writing thread.
 */
public final class EmbeddedStateStore implements StateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUFFIX = ".json";

  private final Path dir;
  private final TreeMap<String, Entry> entries = new TreeMap<>();
  private final List<Map.Entry<String, Consumer<Change>>> watchers = new CopyOnWriteArrayList<>();
  private long revision;

  private EmbeddedStateStore(Path dir) {
    this.dir = dir;
  }

  /**
   * @throws StateException naming the file that cannot be read or parsed
   */
  public static EmbeddedStateStore open(Path dataDir) throws StateException {
    EmbeddedStateStore store = new EmbeddedStateStore(dataDir.resolve("state"));
    try {
      Files.createDirectories(store.dir);
      try (Stream<Path> files = Files.list(store.dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (name.endsWith(".tmp")) {
            Files.deleteIfExists(f); // a write that never got renamed: the old document stands
          } else if (name.endsWith(SUFFIX)) {
            Entry e = store.read(f);
            store.entries.put(e.key(), e);
            store.revision = Math.max(store.revision, e.revision());
          }
        }
      }
    } catch (IOException e) {
      throw new StateException("cannot read the state directory " + store.dir + ": " + e.getMessage(), e);
    }
    return store;
  }

  private Entry read(Path f) throws StateException {
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(f));
      if (n == null || !n.path("key").isTextual() || !n.path("revision").canConvertToLong()
          || !n.path("value").isTextual()) {
        throw new StateException("state file " + f + " is not a state entry (key, revision, value)");
      }
      String key = n.get("key").asText();
      if (!fileName(key).equals(f.getFileName().toString())) {
        throw new StateException("state file " + f + " holds the key " + key + ", which belongs in another file");
      }
      return new Entry(key, Base64.getDecoder().decode(n.get("value").asText()), n.get("revision").asLong());
    } catch (IOException | IllegalArgumentException e) {
      throw new StateException("state file " + f + " does not parse: " + e.getMessage(), e);
    }
  }

  /** A key as a file name: base64url, so no key can name another path. */
  private static String fileName(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
  }

  @Override
  public synchronized Optional<Entry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public synchronized List<Entry> list(String prefix) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries.tailMap(prefix, true).values()) {
      if (!e.key().startsWith(prefix)) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  @Override
  public long put(String key, byte[] value, long expectedRevision) throws StateException {
    Change change;
    synchronized (this) {
      Entry current = entries.get(key);
      if ((current == null ? ABSENT : current.revision()) != expectedRevision) {
        throw new StateException.Conflict(key);
      }
      long next = revision + 1;
      ObjectNode doc = JSON.createObjectNode();
      doc.put("key", key).put("revision", next).put("value", Base64.getEncoder().encodeToString(value));
      Path file = dir.resolve(fileName(key));
      try {
        Path tmp = Files.createTempFile(dir, "entry", ".tmp");
        try {
          try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(doc)));
            ch.force(true);
          }
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new StateException("cannot write the state of " + key + ": " + e.getMessage(), e);
      }
      revision = next;
      entries.put(key, new Entry(key, value.clone(), next));
      change = new Change(key, value.clone(), next);
      notifyWatchers(change);
    }
    return change.revision();
  }

  @Override
  public void delete(String key, long expectedRevision) throws StateException {
    synchronized (this) {
      Entry current = entries.get(key);
      if (current == null || current.revision() != expectedRevision) {
        throw new StateException.Conflict(key);
      }
      try {
        Files.deleteIfExists(dir.resolve(fileName(key)));
      } catch (IOException e) {
        throw new StateException("cannot delete the state of " + key + ": " + e.getMessage(), e);
      }
      entries.remove(key);
      revision++;
      notifyWatchers(new Change(key, null, revision));
    }
  }

  private void notifyWatchers(Change change) {
    for (Map.Entry<String, Consumer<Change>> w : watchers) {
      if (change.key().startsWith(w.getKey())) {
        w.getValue().accept(change);
      }
    }
  }

  @Override
  public AutoCloseable watch(String prefix, Consumer<Change> listener) {
    Map.Entry<String, Consumer<Change>> w = Map.entry(prefix, listener);
    watchers.add(w);
    return () -> watchers.remove(w);
  }

  @Override
  public void close() {
    watchers.clear();
  }
}
