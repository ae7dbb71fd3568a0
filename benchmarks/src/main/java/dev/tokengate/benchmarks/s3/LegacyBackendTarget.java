package dev.tokengate.benchmarks.s3;

import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The other half of the baseline for {@link RequestModelBenchmark}: what the old backend request
 * factory (before the strict model) derived from the raw request before signing — the target
 * without presign parameters and the headers it passed on. The strict side's equivalent is the
 * model's canonical path, query and header list. Kept only to measure against.
 */
final class LegacyBackendTarget {
  /** Inbound headers that never reached the backend (lower case). */
  private static final Set<String> STRIPPED = Set.of("authorization", "x-amz-security-token",
      "x-amz-content-sha256", "x-amz-date", "host", "connection", "keep-alive", "proxy-authorization",
      "proxy-authenticate", "proxy-connection", "te", "trailer", "upgrade", "expect",
      "x-amz-decoded-content-length", "x-amz-trailer");

  private static final Set<String> PRESIGN_PARAMS = Set.of("x-amz-algorithm", "x-amz-credential", "x-amz-date",
      "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token", "x-amz-content-sha256",
      "awsaccesskeyid", "signature", "expires");

  /** A header passed on, as the old factory listed it. */
  record Header(String name, String value) {}

  private LegacyBackendTarget() {}

  /** @return the request-target and the headers the old factory forwarded, for the benchmark to consume */
  static int derive(HttpRequest inbound) {
    String uri = inbound.uri();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String rawQuery = q < 0 ? "" : withoutPresignParams(uri.substring(q + 1));
    String target = rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
    List<Header> kept = new ArrayList<>();
    for (Map.Entry<String, String> h : inbound.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!STRIPPED.contains(name)) {
        kept.add(new Header(h.getKey(), h.getValue()));
      }
    }
    return target.length() + kept.size();
  }

  private static String withoutPresignParams(String rawQuery) {
    StringBuilder kept = new StringBuilder(rawQuery.length());
    for (String param : rawQuery.split("&")) {
      if (param.isEmpty()) {
        continue;
      }
      int eq = param.indexOf('=');
      String name = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (PRESIGN_PARAMS.contains(name)) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(param);
    }
    return kept.toString();
  }
}
