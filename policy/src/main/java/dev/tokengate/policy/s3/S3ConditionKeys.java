package dev.tokengate.policy.s3;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives the S3 condition keys ({@code s3:prefix}, {@code s3:x-amz-acl}, {@code s3:RequestObjectTag/k}
 * …) that the request itself carries; a key the request does not carry is left out, never guessed.
 *
 * <p>{@code s3:LocationConstraint} lives in the CreateBucket body and
 * {@code s3:ExistingObjectTag/*} needs a backend lookup, so the proxy adds those itself.
 */
public final class S3ConditionKeys {
  private static final String[] HEADER_KEYS = {"x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read",
      "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp", "x-amz-metadata-directive",
      "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
      "x-amz-server-side-encryption-customer-algorithm", "x-amz-storage-class",
      "x-amz-website-redirect-location", "x-amz-content-sha256"};

  private S3ConditionKeys() {}

  /** The keys for {@code request}, ready for {@code RequestContext.putAll}. */
  public static Map<String, List<String>> derive(S3Request request) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    S3Operation op = request.operation();
    if (op == S3Operation.LIST_OBJECTS || op == S3Operation.LIST_OBJECTS_V2
        || op == S3Operation.LIST_OBJECT_VERSIONS) {
      query(request, "prefix", "s3:prefix", keys);
      query(request, "delimiter", "s3:delimiter", keys);
      query(request, "max-keys", "s3:max-keys", keys);
    }
    if (request.versionId() != null) {
      keys.put("s3:versionid", List.of(request.versionId()));
    }
    for (String h : HEADER_KEYS) {
      String v = request.lowerHeader(h);
      if (v != null) {
        keys.put("s3:" + h, List.of(v));
      }
    }
    CopySource source = request.copySource();
    if (source != null) {
      keys.put("s3:x-amz-copy-source", List.of(source.path()));
    }
    header(request, "x-amz-object-lock-mode", "s3:object-lock-mode", keys);
    header(request, "x-amz-object-lock-retain-until-date", "s3:object-lock-retain-until-date", keys);
    header(request, "x-amz-object-lock-legal-hold", "s3:object-lock-legal-hold", keys);
    String tagging = request.lowerHeader("x-amz-tagging");
    if (tagging != null) {
      tags(tagging, keys);
    }
    return keys;
  }

  private static void query(S3Request r, String param, String key, Map<String, List<String>> keys) {
    String v = r.query().get(param);
    if (v != null) {
      keys.put(key, List.of(v));
    }
  }

  private static void header(S3Request r, String header, String key, Map<String, List<String>> keys) {
    String v = r.lowerHeader(header);
    if (v != null) {
      keys.put(key, List.of(v));
    }
  }

  // x-amz-tagging is URL-query encoded: k1=v1&k2=v2 (form encoding, so '+' is a space).
  private static void tags(String tagging, Map<String, List<String>> keys) {
    List<String> tagKeys = new ArrayList<>();
    for (String pair : tagging.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = formDecode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
      if (k == null || v == null || k.isEmpty()) {
        continue;
      }
      tagKeys.add(k);
      keys.put("s3:RequestObjectTag/" + k, List.of(v));
    }
    if (!tagKeys.isEmpty()) {
      keys.put("s3:RequestObjectTagKeys", List.copyOf(tagKeys));
    }
  }

  private static String formDecode(String s) {
    return CopySource.percentDecode(s.replace('+', ' '));
  }
}
