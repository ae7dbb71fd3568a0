package dev.tokengate.sigv4;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes the canonical-request builder. Contract: total on any raw path, query and header values;
 * the canonical path and query contain only unreserved characters, {@code %XX}, {@code /} (path),
 * {@code =} and {@code &} (query); canonicalising is idempotent (an encoded form decodes and
 * re-encodes to itself), so no two spellings can sign differently from what the backend sees.
 */
class CanonicalRequestFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void canonicalRequest(FuzzedDataProvider data) {
    String path = data.consumeString(200);
    String query = data.consumeString(300);
    List<SignedRequest.Header> headers = new ArrayList<>();
    List<String> signed = new ArrayList<>();
    int n = data.consumeInt(0, 5);
    for (int i = 0; i < n; i++) {
      String name = data.consumeAsciiString(12).toLowerCase(Locale.ROOT);
      headers.add(new SignedRequest.Header(name, data.consumeString(100)));
      signed.add(name);
    }
    if (data.consumeBoolean()) {
      signed.add("expect");
    }
    boolean presigned = data.consumeBoolean();
    SignedRequest request = new SignedRequest("PUT", path, query, headers);
    CanonicalRequest canonical = CanonicalRequest.of(request, signed, "UNSIGNED-PAYLOAD", presigned);
    if (canonical.sha256Hex().length() != 64) {
      throw new AssertionError("hash of the canonical request is not 32 bytes of hex");
    }

    String canonicalPath = UriEncoding.canonicalPath(request.rawPath());
    requireEncoded(canonicalPath, "/", "path");
    if (!UriEncoding.canonicalPath(canonicalPath).equals(canonicalPath)) {
      throw new AssertionError("canonical path not idempotent: " + canonicalPath);
    }
    String canonicalQuery = CanonicalRequest.canonicalQuery(query, presigned);
    requireEncoded(canonicalQuery, "=&", "query");
    if (!CanonicalRequest.canonicalQuery(canonicalQuery, presigned).equals(canonicalQuery)) {
      throw new AssertionError("canonical query not idempotent: " + canonicalQuery);
    }
    if (!canonical.text().startsWith("PUT\n" + canonicalPath + "\n" + canonicalQuery + "\n")) {
      throw new AssertionError("canonical request does not start with method, path and query lines");
    }
  }

  private static void requireEncoded(String s, String allowed, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~';
      if (c == '%') {
        if (i + 2 >= s.length() || !isUpperHex(s.charAt(i + 1)) || !isUpperHex(s.charAt(i + 2))) {
          throw new AssertionError("bad escape in canonical " + what + ": " + s);
        }
      } else if (!unreserved && allowed.indexOf(c) < 0) {
        throw new AssertionError("unencoded '" + c + "' in canonical " + what + ": " + s);
      }
    }
  }

  private static boolean isUpperHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  }
}
