package dev.tokengate.proxy.hostile;

import static dev.tokengate.proxy.hostile.CorpusWorld.FIXTURE;
import static dev.tokengate.proxy.hostile.CorpusWorld.PUBLIC;
import static dev.tokengate.proxy.hostile.CorpusWorld.PUBLIC_POLICY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.BackendView;
import dev.tokengate.proxy.harness.RawS3Client;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a case could change, read around the proxy: the backend's store (straight from S3Proxy with
 * its own keys) and the proxy's stored bucket policies (files in its data dir). Takes the baseline,
 * says what differs from it, and puts the fixture back.
 */
final class WorldState {
  private final TokengateExtension proxy;
  private final BackendView backend;
  private final RawS3Client store;
  private Snapshot baseline;

  WorldState(TokengateExtension proxy) {
    this.proxy = proxy;
    this.backend = proxy.backend();
    this.store = backend.client();
  }

  /** Creates the fixture buckets and objects on the backend and the public policy through the proxy. */
  void createFixture() throws Exception {
    for (Map.Entry<String, Map<String, String>> bucket : FIXTURE.entrySet()) {
      assertEquals(200, store.put("/" + bucket.getKey(), "").statusCode(), "create " + bucket.getKey());
      for (String key : bucket.getValue().keySet()) {
        putFixture(bucket.getKey(), key);
      }
    }
    assertEquals(204, proxy.adminClient().put("/" + PUBLIC + "?policy", PUBLIC_POLICY).statusCode(), "public policy");
    baseline = snapshot(true);
  }

  Snapshot baseline() {
    return baseline;
  }

  /** The object's bytes as the backend holds them, or empty. */
  Optional<byte[]> read(String bucket, String key) throws Exception {
    return backend.read(bucket, key);
  }

  /**
   * The world as far as cases can change it: per bucket each object's ETag, size and date (the
   * listing), the proxy's stored bucket policies (files under its data dir, read directly), and,
   * when asked for, the backend's full state.
   */
  record Snapshot(Map<String, Map<String, String>> listing, Map<String, String> policies, BackendView.State state) {
    boolean differsFrom(Snapshot other) {
      return !listing.equals(other.listing) || !policies.equals(other.policies)
          || (state != null && other.state != null && !state.equals(other.state));
    }
  }

  /**
   * S3Proxy's temporary object for an upload in flight ({@code key-<uuid>}): an aborted upload
   * leaves it until S3Proxy notices the dropped connection, which on a loaded machine can take
   * longer than {@link #settle} waits. It is never a committed object at the key the request
   * named, so it is not counted as a change.
   */
  private static final java.util.regex.Pattern S3PROXY_UPLOAD_IN_FLIGHT =
      java.util.regex.Pattern.compile(".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  Snapshot snapshot(boolean full) throws Exception {
    Map<String, Map<String, String>> listing = new TreeMap<>();
    for (String bucket : backend.buckets()) {
      Map<String, String> objects = new TreeMap<>();
      String xml = store.get("/" + bucket + "?list-type=2&max-keys=1000").body();
      for (int at = xml.indexOf("<Contents>"); at >= 0; at = xml.indexOf("<Contents>", at + 1)) {
        String entry = xml.substring(at, xml.indexOf("</Contents>", at));
        if (S3PROXY_UPLOAD_IN_FLIGHT.matcher(RawS3Client.element(entry, "Key")).matches()) {
          continue;
        }
        objects.put(RawS3Client.element(entry, "Key"), RawS3Client.element(entry, "ETag") + " "
            + RawS3Client.element(entry, "Size") + " bytes " + RawS3Client.element(entry, "LastModified"));
      }
      listing.put(bucket, objects);
    }
    Map<String, String> policies = new TreeMap<>();
    Path dir = proxy.dataDir();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(f).toString();
        if (name.contains("polic")) {
          policies.put(name, Files.readString(f));
        }
      }
    }
    return new Snapshot(listing, policies, full ? backend.state() : null);
  }

  /**
   * The snapshot once the backend has finished what an aborted upload left in flight: S3Proxy
   * writes an upload to a temporary object ({@code key-<uuid>}) and removes it only after it
   * notices that the proxy dropped the connection, so a snapshot taken right after the answer can
   * catch it (on a loaded machine, for many seconds). Reads again (no sleeping, at most 20 seconds)
   * while the only difference from the baseline is objects that were not there; a difference that
   * stays is a real one.
   */
  Snapshot settle(Snapshot after, boolean full) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (onlyAddedObjects(after) && System.nanoTime() < deadline) {
      after = snapshot(full);
    }
    return after;
  }

  private boolean onlyAddedObjects(Snapshot after) {
    if (!after.differsFrom(baseline) || !after.policies().equals(baseline.policies())
        || !after.listing().keySet().equals(baseline.listing().keySet())) {
      return false;
    }
    for (Map.Entry<String, Map<String, String>> bucket : baseline.listing().entrySet()) {
      Map<String, String> now = after.listing().get(bucket.getKey());
      if (!now.entrySet().containsAll(bucket.getValue().entrySet())) {
        return false;
      }
    }
    return true;
  }

  /** Puts the world back to the fixture: buckets, objects, uploads, ACLs, policies. */
  void restore() throws Exception {
    BackendView.State now = backend.state();
    for (String bucket : now.buckets().keySet()) {
      if (!FIXTURE.containsKey(bucket)) {
        abortUploads(bucket);
        for (String key : backend.keys(bucket)) {
          store.delete("/" + bucket + "/" + RawS3Client.keyPath(key));
        }
        store.delete("/" + bucket);
        proxy.adminClient().delete("/" + bucket + "?policy");
      }
    }
    for (Map.Entry<String, Map<String, String>> bucket : FIXTURE.entrySet()) {
      String name = bucket.getKey();
      BackendView.BucketState state = now.buckets().get(name);
      BackendView.BucketState want = baseline.state().buckets().get(name);
      if (state == null) {
        store.put("/" + name, "");
      } else if (!state.acl().equals(want.acl())) {
        store.send("PUT", "/" + name + "?acl", new byte[0], Map.of("x-amz-acl", "private"));
      }
      abortUploads(name);
      for (String key : backend.keys(name)) {
        BackendView.ObjectState o = state == null ? null : state.objects().get(key);
        if (!bucket.getValue().containsKey(key) || o == null || !o.equals(want.objects().get(key))) {
          store.delete("/" + name + "/" + RawS3Client.keyPath(key));
        }
      }
      for (String key : bucket.getValue().keySet()) {
        if (!backend.exists(name, key)) {
          putFixture(name, key);
        }
      }
    }
    RawS3Client admin = proxy.adminClient();
    for (String name : FIXTURE.keySet()) {
      var policy = admin.get("/" + name + "?policy");
      boolean wanted = name.equals(PUBLIC);
      if (wanted && !(policy.statusCode() == 200 && policy.body().equals(PUBLIC_POLICY))) {
        admin.put("/" + name + "?policy", PUBLIC_POLICY);
      } else if (!wanted && policy.statusCode() == 200) {
        admin.delete("/" + name + "?policy");
      }
    }
    // Object dates change when a fixture object is put back: later cases compare with this.
    baseline = snapshot(true);
  }

  /** What differs from the baseline other than what the case expected to change. */
  List<String> changes(Expect e, Snapshot after) throws Exception {
    List<String> problems = new ArrayList<>();
    Set<String> expected = new TreeSet<>();
    for (Expect.Change change : e.changes) {
      expected.add(change.bucket() + "/" + change.key());
      Optional<byte[]> now = backend.read(change.bucket(), change.key());
      if (change.bytes() == null && now.isPresent()) {
        problems.add(change.bucket() + "/" + change.key() + " should have been deleted");
      } else if (change.bytes() != null && (now.isEmpty() || !new String(now.get(), StandardCharsets.UTF_8)
          .equals(new String(change.bytes(), StandardCharsets.UTF_8)))) {
        problems.add(change.bucket() + "/" + change.key() + " should hold '" + new String(change.bytes(), StandardCharsets.UTF_8)
            + "' but holds " + now.map(b -> "'" + new String(b, StandardCharsets.UTF_8) + "'").orElse("nothing"));
      }
    }
    Set<String> buckets = new TreeSet<>(baseline.listing().keySet());
    buckets.addAll(after.listing().keySet());
    for (String bucket : buckets) {
      if (e.scratch.contains(bucket)) {
        continue;
      }
      Map<String, String> before = baseline.listing().get(bucket);
      Map<String, String> now = after.listing().get(bucket);
      if (before == null) {
        problems.add("the backend now has a bucket '" + bucket + "' it did not have");
        continue;
      }
      if (now == null) {
        problems.add("the backend lost bucket '" + bucket + "'");
        continue;
      }
      Set<String> keys = new TreeSet<>(before.keySet());
      keys.addAll(now.keySet());
      for (String key : keys) {
        if (expected.contains(bucket + "/" + key)) {
          continue;
        }
        if (!before.containsKey(key)) {
          BackendView.ObjectState created = after.state() == null || after.state().buckets().get(bucket) == null
              ? null : after.state().buckets().get(bucket).objects().get(key);
          problems.add("the backend now has an object " + bucket + "/" + key + (created == null ? ""
              : created.acl().contains("AllUsers") ? " (its ACL grants AllUsers)" : " (private ACL)"));
        } else if (!now.containsKey(key)) {
          problems.add("the backend lost " + bucket + "/" + key);
        } else if (!before.get(key).equals(now.get(key))) {
          problems.add(bucket + "/" + key + " was rewritten (" + before.get(key) + " -> " + now.get(key) + ")");
        } else if (after.state() != null) {
          BackendView.ObjectState b = baseline.state().buckets().get(bucket).objects().get(key);
          BackendView.ObjectState a = after.state().buckets().get(bucket).objects().get(key);
          if (!b.equals(a)) {
            problems.add(bucket + "/" + key + " changed: " + describeChange(b, a));
          }
        }
      }
      if (after.state() != null) {
        BackendView.BucketState b = baseline.state().buckets().get(bucket);
        BackendView.BucketState a = after.state().buckets().get(bucket);
        if (!b.acl().equals(a.acl())) {
          problems.add("bucket " + bucket + " ACL changed: " + a.acl());
        }
        if (!b.uploads().equals(a.uploads())) {
          problems.add("bucket " + bucket + " multipart uploads changed: " + a.uploads());
        }
      }
    }
    Map<String, String> policiesBefore = new TreeMap<>(baseline.policies());
    Map<String, String> policiesAfter = new TreeMap<>(after.policies());
    for (String scratch : e.scratch) {
      policiesBefore.keySet().removeIf(f -> f.contains(scratch));
      policiesAfter.keySet().removeIf(f -> f.contains(scratch));
    }
    if (!policiesBefore.equals(policiesAfter)) {
      problems.add("bucket policies changed: " + policiesBefore + " -> " + policiesAfter);
    }
    return problems;
  }

  private static String describeChange(BackendView.ObjectState b, BackendView.ObjectState a) {
    List<String> d = new ArrayList<>();
    if (!b.sha256().equals(a.sha256())) {
      d.add("bytes");
    }
    if (!b.contentType().equals(a.contentType())) {
      d.add("content type " + b.contentType() + " -> " + a.contentType());
    }
    if (!b.userMetadata().equals(a.userMetadata())) {
      d.add("metadata " + b.userMetadata() + " -> " + a.userMetadata());
    }
    if (!b.acl().equals(a.acl())) {
      d.add("ACL -> " + a.acl());
    }
    return String.join(", ", d);
  }

  private void putFixture(String bucket, String key) throws Exception {
    var r = store.put("/" + bucket + "/" + RawS3Client.keyPath(key), FIXTURE.get(bucket).get(key));
    assertEquals(200, r.statusCode(), "fixture " + bucket + "/" + key + ": " + r.body());
  }

  private void abortUploads(String bucket) throws Exception {
    var r = store.get("/" + bucket + "?uploads");
    if (r.statusCode() != 200) {
      return;
    }
    String xml = r.body();
    for (int at = xml.indexOf("<Upload>"); at >= 0; at = xml.indexOf("<Upload>", at + 1)) {
      String upload = xml.substring(at, xml.indexOf("</Upload>", at));
      String key = RawS3Client.element(upload, "Key");
      String id = RawS3Client.element(upload, "UploadId");
      if (key != null && id != null) {
        store.delete("/" + bucket + "/" + RawS3Client.keyPath(key) + "?uploadId=" + RawS3Client.queryEncode(id));
      }
    }
  }
}
