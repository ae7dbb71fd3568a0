package dev.tokengate.proxy.authz.acl;

import dev.tokengate.proxy.backend.BackendFetch;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACLs as the backend keeps them, read when a request needs one (only when no policy allowed it:
 * the common, allowed request never waits on an ACL) and cached for a short time. The proxy's own
 * writes that change an ACL, or the object or bucket it belongs to, drop the cached entry
 * ({@link #invalidate}); changes made elsewhere (on the backend, through another replica) are
 * seen within {@link #TTL}. Why the backend and not the proxy's own store: every backend that
 * has ACLs keeps them with the object's lifecycle (an overwrite resets it, a delete removes it),
 * and a missing bucket or key is then known from the same read, as S3 tells anonymous callers.
 */
public final class AclLookup {
  private static final Logger LOG = LoggerFactory.getLogger(AclLookup.class);

  /** How long an ACL read from the backend is trusted. */
  public static final Duration TTL = Duration.ofSeconds(5);
  static final int MAX_ENTRIES = 10_000;

  /** What a lookup found. */
  public sealed interface Found permits Present, Missing {}

  /**
   * The ACL. {@code aclsDisabled}: the bucket's Object Ownership is BucketOwnerEnforced, so neither
   * its ACL nor its objects' allow anything.
   */
  public record Present(Acl acl, boolean aclsDisabled) implements Found {}

  /** The bucket (or key) does not exist. */
  public record Missing(boolean bucket) implements Found {}

  private record Entry(Found found, long expiresAt) {}

  private final BackendFetch fetch;
  private final BackendRequestFactory requests;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public AclLookup(BackendFetch fetch, BackendRequestFactory requests, LongSupplier nanoTime) {
    this.fetch = fetch;
    this.requests = requests;
    this.nanoTime = nanoTime;
  }

  /** The cached answer for the bucket ({@code key} null) or object, or null when not cached. */
  public Found cached(String bucket, String key) {
    Entry e = entries.get(id(bucket, key));
    return e == null || e.expiresAt - nanoTime.getAsLong() < 0 ? null : e.found;
  }

  /**
   * Reads the bucket's ACL (with its ownership controls: BucketOwnerEnforced counts as private) or
   * the object's, from the backend. A backend that cannot answer counts as private: an ACL never
   * allows what could not be read.
   */
  public Future<Found> load(EventLoop loop, String bucket, String key) {
    Promise<Found> result = loop.newPromise();
    if (key == null) {
      fetch.fetch(loop, requests.getOwnershipControls(bucket)).addListener((Future<BackendFetch.Answer> owner) -> {
        if (owner.isSuccess() && owner.getNow().status() == 200
            && new String(owner.getNow().body(), StandardCharsets.UTF_8).contains("BucketOwnerEnforced")) {
          result.trySuccess(store(bucket, null, new Present(Acl.PRIVATE, true)));
          return;
        }
        readAcl(loop, bucket, null, result);
      });
    } else {
      readAcl(loop, bucket, key, result);
    }
    return result;
  }

  private void readAcl(EventLoop loop, String bucket, String key, Promise<Found> result) {
    fetch.fetch(loop, requests.getAcl(bucket, key, null)).addListener((Future<BackendFetch.Answer> read) -> {
      Found found;
      if (!read.isSuccess()) {
        LOG.debug("ACL of {} not read: {}", id(bucket, key), read.cause().toString());
        found = new Present(Acl.PRIVATE, false);
      } else if (read.getNow().status() == 404) {
        String body = new String(read.getNow().body(), StandardCharsets.UTF_8);
        found = new Missing(key == null || body.contains("<Code>NoSuchBucket</Code>"));
      } else if (read.getNow().status() == 200) {
        try {
          found = new Present(Acl.parse(read.getNow().body()), false);
        } catch (IllegalArgumentException e) {
          LOG.debug("ACL of {} not readable", id(bucket, key));
          found = new Present(Acl.PRIVATE, false);
        }
      } else {
        LOG.debug("ACL of {} answered HTTP {}", id(bucket, key), read.getNow().status());
        found = new Present(Acl.PRIVATE, false);
      }
      result.trySuccess(store(bucket, key, found));
    });
  }

  private Found store(String bucket, String key, Found found) {
    if (entries.size() >= MAX_ENTRIES) {
      // Entries live seconds: dropping arbitrary ones only costs a re-read.
      Iterator<String> it = entries.keySet().iterator();
      for (int i = 0; i < MAX_ENTRIES / 4 && it.hasNext(); i++) {
        it.next();
        it.remove();
      }
    }
    entries.put(id(bucket, key), new Entry(found, nanoTime.getAsLong() + TTL.toNanos()));
    return found;
  }

  /** Drops what is cached for the object, or with {@code key} null, for the bucket and all its objects. */
  public void invalidate(String bucket, String key) {
    if (key != null) {
      entries.remove(id(bucket, key));
      return;
    }
    String prefix = bucket + "/";
    entries.keySet().removeIf(id -> id.equals(bucket) || id.startsWith(prefix));
  }

  private static String id(String bucket, String key) {
    return key == null ? bucket : bucket + "/" + key;
  }
}
