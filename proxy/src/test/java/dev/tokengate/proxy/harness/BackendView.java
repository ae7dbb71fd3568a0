package dev.tokengate.proxy.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import dev.tokengate.proxy.config.BackendConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The backend's store read straight from the backend with its own keys, bypassing the proxy (and
 * any {@link BackendSpy}), so a test can say what really happened: which objects exist with which
 * bytes, and whether a refused request left everything as it was ({@link #state()} before and after).
 */
public final class BackendView {
  private static final XmlMapper XML = new XmlMapper();

  private final RawS3Client client;

  BackendView(BackendConfig backend) {
    this.client =
        new RawS3Client(backend.endpoint(), Credentials.of(backend.accessKey(), backend.secretKey()),
            java.time.Clock.systemUTC(), backend.region());
  }

  /** A client signed with the backend's keys, straight to the backend. */
  public RawS3Client client() {
    return client;
  }

  /** Bucket names, sorted. */
  public List<String> buckets() throws IOException, InterruptedException {
    HttpResponse<String> r = ok(client.get("/"), "ListBuckets");
    List<String> names = new ArrayList<>();
    for (JsonNode bucket : all(XML.readTree(r.body()).path("Buckets"), "Bucket")) {
      names.add(bucket.path("Name").asText());
    }
    names.sort(null);
    return names;
  }

  /** Every key in the bucket (all pages), in the backend's order; empty when the bucket does not exist. */
  public List<String> keys(String bucket) throws IOException, InterruptedException {
    List<String> keys = new ArrayList<>();
    String token = null;
    do {
      String path = "/" + bucket + "?list-type=2"
          + (token == null ? "" : "&continuation-token=" + RawS3Client.queryEncode(token));
      HttpResponse<String> r = client.get(path);
      if (r.statusCode() == 404) {
        return List.of();
      }
      ok(r, "ListObjectsV2 " + bucket);
      JsonNode result = XML.readTree(r.body());
      for (JsonNode c : all(result, "Contents")) {
        keys.add(c.path("Key").asText());
      }
      token = result.path("IsTruncated").asBoolean(false) ? result.path("NextContinuationToken").asText(null) : null;
    } while (token != null);
    return keys;
  }

  /** The object's bytes, or empty when the backend answers 404. */
  public Optional<byte[]> read(String bucket, String key) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = client.sendForBytes("GET", "/" + bucket + "/" + RawS3Client.keyPath(key), new byte[0], Map.of());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("backend GetObject " + bucket + "/" + key + ": " + r.statusCode());
    }
    return Optional.of(r.body());
  }

  public boolean exists(String bucket, String key) throws IOException, InterruptedException {
    return read(bucket, key).isPresent();
  }

  /**
   * Everything a request could change that the backend lets us read: per bucket its ACL and
   * in-progress multipart uploads, per object its bytes (as SHA-256), content type, user metadata
   * and ACL. Equal states mean nothing observable changed.
   */
  public State state() throws IOException, InterruptedException {
    Map<String, BucketState> buckets = new TreeMap<>();
    for (String bucket : buckets()) {
      Map<String, ObjectState> objects = new TreeMap<>();
      for (String key : keys(bucket)) {
        String path = "/" + bucket + "/" + RawS3Client.keyPath(key);
        HttpResponse<byte[]> get = client.sendForBytes("GET", path, new byte[0], Map.of());
        Map<String, String> meta = new TreeMap<>();
        get.headers().map().forEach((name, values) -> {
          if (name.toLowerCase(Locale.ROOT).startsWith("x-amz-meta-")) {
            meta.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
          }
        });
        objects.put(key, new ObjectState(get.statusCode(), RawS3Client.sha256(get.body()),
            get.headers().firstValue("content-type").orElse(""), meta, readable(path + "?acl")));
      }
      buckets.put(bucket, new BucketState(readable("/" + bucket + "?acl"), readable("/" + bucket + "?uploads"), objects));
    }
    return new State(buckets);
  }

  /** The body of a GET when it succeeds, else its status: either way a stable value to compare. */
  private String readable(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = client.get(path);
    return r.statusCode() == 200 ? withoutVolatileIds(r.body()) : "status " + r.statusCode();
  }

  /** Listing bodies carry no request ids, but be safe against a backend that puts one in. */
  private static String withoutVolatileIds(String body) {
    return body.replaceAll("<RequestId>[^<]*</RequestId>", "");
  }

  private static HttpResponse<String> ok(HttpResponse<String> r, String what) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException("backend " + what + ": " + r.statusCode() + " " + r.body());
    }
    return r;
  }

  /** Repeated XML elements read by Jackson are an array when there are several, a node when one. */
  private static List<JsonNode> all(JsonNode parent, String name) {
    JsonNode n = parent.path(name);
    List<JsonNode> list = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(list::add);
    } else if (!n.isMissingNode()) {
      list.add(n);
    }
    return list;
  }

  public record State(Map<String, BucketState> buckets) {}

  public record BucketState(String acl, String uploads, Map<String, ObjectState> objects) {}

  public record ObjectState(int status, String sha256, String contentType, Map<String, String> userMetadata, String acl) {}
}
