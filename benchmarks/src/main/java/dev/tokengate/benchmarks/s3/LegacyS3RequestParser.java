package dev.tokengate.benchmarks.s3;

import dev.tokengate.policy.s3.S3Request;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline for {@link RequestModelBenchmark}: the lenient parser the proxy used before the
 * strict request model (Netty's QueryStringDecoder, first header wins). Kept here only to measure
 * against; it is not safe to authorize with. It read bucket, key, query and headers out of an S3 request: path-style ({@code /bucket/key}) or,
 * when the Host names a bucket, virtual-hosted style ({@code /key}). The key is percent-decoded
 * exactly once and a literal {@code +} in the path stays a plus, as S3 does.
 */
public final class LegacyS3RequestParser {
  private LegacyS3RequestParser() {}

  /** @param hostBucket the bucket named by the Host header, or null for path-style */
  public static S3Request parse(HttpRequest head, String hostBucket) {
    String uri = head.uri();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String path = decodePath(rawPath.startsWith("/") ? rawPath.substring(1) : rawPath);
    String bucket;
    String key;
    if (hostBucket != null) {
      bucket = hostBucket;
      key = path.isEmpty() ? null : path;
    } else {
      int slash = path.indexOf('/');
      bucket = slash < 0 ? path : path.substring(0, slash);
      key = slash < 0 ? null : path.substring(slash + 1);
    }
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (Map.Entry<String, List<String>> e :
          new QueryStringDecoder(uri.substring(q + 1), StandardCharsets.UTF_8, false).parameters().entrySet()) {
        query.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : head.headers()) {
      headers.putIfAbsent(h.getKey(), h.getValue());
    }
    return new S3Request(head.method().name(), bucket, key, query, headers);
  }

  /** Percent-decodes a path; malformed escapes are kept literally rather than guessed at. */
  static String decodePath(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0
          && hex(raw.charAt(i + 2)) >= 0) {
        bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
          utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.write(utf8, 0, utf8.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
