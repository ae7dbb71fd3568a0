package dev.tokengate.sigv4;

import java.util.ArrayList;
import java.util.List;

/**
 * The SigV4 canonical request built from a raw request the way S3 does it: path decoded once and
 * re-encoded once without normalisation, query re-encoded and sorted, only the signed headers with
 * trimmed and collapsed values, then the payload hash line.
 *
 * @param text the canonical request exactly as hashed into the string to sign
 */
public record CanonicalRequest(String text) {

  /** The presigned-URL parameter that carries the signature and so is not part of what is signed. */
  public static final String SIGNATURE_PARAMETER = "X-Amz-Signature";

  /**
   * Builds the canonical request.
   *
   * @param signedHeaders lower-case header names in the order the client listed them
   * @param payloadHash the last line (hex, {@code UNSIGNED-PAYLOAD} or a {@code STREAMING-…} literal)
   * @param presigned true to leave {@code X-Amz-Signature} out of the canonical query
   */
  public static CanonicalRequest of(
      SignedRequest request, List<String> signedHeaders, String payloadHash, boolean presigned) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(request.method()).append('\n');
    sb.append(UriEncoding.canonicalPath(request.rawPath())).append('\n');
    sb.append(canonicalQuery(request.rawQuery(), presigned)).append('\n');
    sb.append(canonicalHeaders(request, signedHeaders)).append('\n');
    sb.append(String.join(";", signedHeaders)).append('\n');
    sb.append(payloadHash);
    return new CanonicalRequest(sb.toString());
  }

  /** Lower-case hex SHA-256 of the canonical request (the last line of the string to sign). */
  public String sha256Hex() {
    return Sha256.hex(text);
  }

  /**
   * The canonical query string: split on {@code &}, decode then re-encode each name and value
   * ({@code +} is a space), a parameter without {@code =} becomes {@code name=}, sorted by name then
   * value.
   */
  public static String canonicalQuery(String rawQuery, boolean excludeSignature) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> params = new ArrayList<>();
    for (String part : rawQuery.split("&", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String rawName = eq < 0 ? part : part.substring(0, eq);
      String rawValue = eq < 0 ? "" : part.substring(eq + 1);
      String name = UriEncoding.encode(UriEncoding.decode(rawName, true), false);
      if (excludeSignature && name.equals(SIGNATURE_PARAMETER)) {
        continue;
      }
      params.add(new String[] {name, UriEncoding.encode(UriEncoding.decode(rawValue, true), false)});
    }
    // Encoded forms are pure ASCII, so String order is byte order as AWS requires.
    params.sort((a, b) -> {
      int c = a[0].compareTo(b[0]);
      return c != 0 ? c : a[1].compareTo(b[1]);
    });
    StringBuilder sb = new StringBuilder(rawQuery.length() + 16);
    for (String[] p : params) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(p[0]).append('=').append(p[1]);
    }
    return sb.toString();
  }

  /** One {@code name:value\n} line per signed header, in the order given. */
  public static String canonicalHeaders(SignedRequest request, List<String> signedHeaders) {
    StringBuilder sb = new StringBuilder(256);
    for (String name : signedHeaders) {
      sb.append(name).append(':').append(canonicalValue(request, name)).append('\n');
    }
    return sb.toString();
  }

  /**
   * The canonical value of one signed header: every occurrence trimmed and whitespace-collapsed,
   * joined with {@code ,} in arrival order. {@code expect} and {@code transfer-encoding} are
   * consumed by HTTP stacks before we see them, so their only legal values stand in when absent.
   */
  static String canonicalValue(SignedRequest request, String name) {
    List<String> values = request.headerValues(name);
    if (values.isEmpty()) {
      if (name.equals("expect")) {
        return "100-continue";
      }
      if (name.equals("transfer-encoding")) {
        return "chunked";
      }
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      appendCollapsed(sb, values.get(i));
    }
    return sb.toString();
  }

  /** Trims and collapses runs of whitespace (including folded line breaks) into one space. */
  static void appendCollapsed(StringBuilder sb, String value) {
    boolean pendingSpace = false;
    boolean any = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        pendingSpace = any;
      } else {
        if (pendingSpace) {
          sb.append(' ');
          pendingSpace = false;
        }
        sb.append(c);
        any = true;
      }
    }
  }
}
